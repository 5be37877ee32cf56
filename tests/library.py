"""The real process library (bpmn/ + forms/), real people, a customer and a knowledge base, with helpers that
move a project along through the flows (the process and browser tests share them)."""

from __future__ import annotations

from dataclasses import dataclass

from service.clock import utcnow
from service.flows import documents, instances
from service.store.models import Customer, KbProduct
from tests.support import deploy_library, do_task, seed

KB_VERSION = "V3.2-202601 security module"


@dataclass
class Library:
    services: object
    people: dict[str, int]
    customer_id: int

    def task(self, instance_id: int, element_id: str, username: str, data: dict):
        return do_task(self.services, self.people, instance_id, element_id, username, data)

    def document(self, username: str, name: str = "acceptance.pdf") -> int:
        stored = documents.upload(self.services, b"%PDF-1.4 " + name.encode(), name, "application/pdf",
                                  self.people[username])
        return stored.id

    def won_project(self) -> int:
        started = instances.start_process(self.services, "project_lifecycle",
                                          {"customer_id": self.customer_id, "customer": "ACME Education"},
                                          actor_id=self.people["rep"])
        return started.instance_id

    def describe_opportunity(self, instance_id: int, kb_version: str = KB_VERSION):
        self.task(instance_id, "opportunity", "rep", {
            "customer_id": self.customer_id, "customer": "ACME Education", "contract_value": 800000,
            "decision_makers": [{"name": "Li Wei", "role": "principal"}], "product": "Enterprise",
            "kb_version": kb_version})

    def cosign(self, instance_id: int):
        self.task(instance_id, "submit_contract", "rep", {
            "contract_number": "C-2026-001", "contract_amount": 800000, "terms": "30% on signing, 70% on acceptance",
            "invoice_type": "vat_special"})
        self.task(instance_id, "legal_review", "legal", {"legal_approved": True})
        self.task(instance_id, "delivery_review", "delivery", {"delivery_approved": True})

    def hand_over(self, instance_id: int):
        self.task(instance_id, "core_requirements", "rep", {"requirements": {
            "items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
            "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
        self.task(instance_id, "confirmed_risks", "rep", {"risks": [
            {"risk": "The customer's IT department refuses to open API access"}]})
        self.task(instance_id, "open_items_step", "rep", {"open_items": [
            {"item": "The deployment environment needs the customer's written confirmation"}]})
        self.task(instance_id, "sales_signs", "rep", {"sales_confirms": True})
        self.task(instance_id, "delivery_signs", "delivery", {"delivery_decision": "accept"})


    def deliver(self, instance_id: int):
        """Implementation done and UAT passed: the project waits for the customer's acceptance."""
        self.task(instance_id, "implementation", "delivery", {"implementation_done": True})
        self.task(instance_id, "uat", "delivery", {"uat_passed": True})

    def to_acceptance(self) -> int:
        """A new project taken through contract, handover and delivery, up to the acceptance task."""
        project = self.won_project()
        self.describe_opportunity(project)
        self.cosign(project)
        self.hand_over(project)
        self.deliver(project)
        return project

    def accept(self, instance_id: int, accepted_on: str) -> None:
        self.task(instance_id, "acceptance", "delivery", {"acceptance_document": self.document("delivery"),
                                                          "accepted_on": accepted_on})


def make_library(services) -> Library:
    deploy_library(services)
    people = seed(services)
    with services.sessions() as session:
        customer = Customer(name="ACME Education", industry="education", budget=800000, updated_at=utcnow(),
                            decision_makers=[{"name": "Li Wei", "role": "principal"}],
                            complaint_types=["slow incident response", "missed training date"],
                            sla_achievement=0.92)
        session.add(customer)
        session.add(KbProduct(product="Enterprise", current_version=KB_VERSION, updated_at=utcnow()))
        session.commit()
        customer_id = customer.id
    return Library(services, people, customer_id)
