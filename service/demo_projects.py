"""Demo projects spread over the eight stages, built by replaying the real flows at past times.

SpiffWorkflow reads the system clock itself, so the replay moves the clock with
freezegun: every timer, due time and log entry is then as it would have been. What
the past left due fires at the end of the replay, not in a worker (`_catch_up`).
Seeding is idempotent: it does nothing once lifecycle projects exist. Two data sets: the English
company below, and the Chinese one of `service.demo_zh` (``handoff demo --locale zh-CN``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from service.clock import utcnow
from service.demo_documents import acceptance_pdf, contract_pdf
from service.flows import documents, instances, timers
from service.flows.context import Services
from service.store.models import Customer, Instance, KbProduct, Task, User

CUSTOMERS = [
    ("ACME Education", "education", 800000, 0.92, ["slow incident response"]),
    ("Northwind Logistics", "logistics", 1500000, 0.97, []),
    ("Contoso Hospital", "healthcare", 650000, 0.88, ["missed training date", "unclear invoices"]),
    ("Fabrikam Retail", "retail", 300000, 0.99, []),
]
PRODUCTS = {"Enterprise": "V3.2-202601 security module", "Campus": "V2.1-202609"}

# customer, rep, product, bound KB version, days ago started, how far to drive it
PROJECTS = [
    ("ACME Education", "rep", "Enterprise", PRODUCTS["Enterprise"], 1, "opportunity"),
    ("Fabrikam Retail", "rep2", "Enterprise", PRODUCTS["Enterprise"], 3, "opportunity"),
    ("Northwind Logistics", "rep", "Enterprise", PRODUCTS["Enterprise"], 4, "contract"),
    ("Contoso Hospital", "rep2", "Enterprise", PRODUCTS["Enterprise"], 6, "contract"),
    ("ACME Education", "rep2", "Enterprise", PRODUCTS["Enterprise"], 5, "handover"),
    ("Northwind Logistics", "rep2", "Enterprise", PRODUCTS["Enterprise"], 9, "handover"),
    ("Contoso Hospital", "rep", "Campus", "V2.0-202603", 12, "implementation"),
    ("Fabrikam Retail", "rep", "Enterprise", PRODUCTS["Enterprise"], 15, "implementation"),
    ("ACME Education", "rep", "Enterprise", PRODUCTS["Enterprise"], 20, "uat"),
    ("Northwind Logistics", "rep2", "Enterprise", PRODUCTS["Enterprise"], 25, "acceptance"),
    ("Contoso Hospital", "rep2", "Enterprise", PRODUCTS["Enterprise"], 30, "invoicing"),
    ("Fabrikam Retail", "rep2", "Enterprise", PRODUCTS["Enterprise"], 40, "payment"),
]
DECISION_MAKERS = [{"name": "Li Wei", "role": "principal"}]
WORDING = {"terms": "30% on signing, 70% on acceptance",
           "special_acceptance_terms": "Acceptance by the customer's IT director",
           "requirement": "Single sign-on", "risk": "IT may not open API access",
           "open_item": "Deployment environment confirmation", "contract_file": "contract-{id}.pdf",
           "acceptance_file": "acceptance.pdf"}
ORDER = ["opportunity", "contract", "handover", "implementation", "uat", "acceptance", "invoicing", "payment"]


@dataclass(frozen=True)
class DemoSet:
    """One demo company's data: customers (name, industry, budget, SLA, complaints, decision makers), products
    and their current knowledge-base versions, the projects to replay and the words typed on the way."""

    customers: list[tuple]
    products: dict[str, str]
    projects: list[tuple]
    wording: dict[str, str]
    product_codes: dict[str, str] = field(default_factory=dict)
    locale: str = "en"  # the language of the documents its people upload

    def code(self, product: str) -> str:
        return self.product_codes.get(product) or product[:3].upper()


ENGLISH = DemoSet([(*c, DECISION_MAKERS) for c in CUSTOMERS], PRODUCTS, PROJECTS, WORDING)


def demo_set(locale: str | None) -> DemoSet:
    if locale == "zh-CN":
        from . import demo_zh

        return DemoSet(demo_zh.CUSTOMERS, demo_zh.PRODUCTS, demo_zh.PROJECTS, demo_zh.WORDING, demo_zh.PRODUCT_CODES,
                       "zh-CN")
    return ENGLISH


class Replay:
    """Drives one project the way its people would, one step every few hours of past time."""

    def __init__(self, services: Services, people: dict[str, int], clock):
        self.services, self.people, self.clock = services, people, clock

    def act(self, instance_id: int, element_id: str, username: str, data: dict) -> None:
        self.clock.tick(timedelta(hours=5))
        with self.services.sessions() as session:
            task = session.scalars(select(Task).where(Task.instance_id == instance_id, Task.element_id == element_id,
                                                      Task.status == "open")).first()
        if task.assignee_id is None:
            instances.claim_task(self.services, task.id, self.people[username])
        instances.complete_task(self.services, task.id, self.people[username], data)

    def document(self, username: str, name: str, content: bytes) -> int:
        return documents.upload(self.services, content, name, "application/pdf", self.people[username]).id


def _steps(replay: Replay, demo: DemoSet, customer: Customer, product: str, kb_version: str, rep: str):
    """(stage the step enters or None, element, who (default: the rep), data): the lifecycle's happy path.

    Its documents are uploaded on their own, then named by the form: the completion makes them the
    project's (R6), so the rep, finance and the managers open them as they would a real project's.
    """
    # A customer that existed before the demo (without decision makers) takes the demo's own for it.
    own = next((makers for name, *_, makers in demo.customers if name == customer.name), demo.customers[0][-1])
    people = customer.decision_makers or [dict(person) for person in own]
    words, contact, number = demo.wording, people[0], f"C-{customer.id}-{demo.code(product)}"
    contract = contract_pdf(demo.locale, number, customer.name, customer.budget, words["terms"],
                            words["special_acceptance_terms"])
    yield "contract", "opportunity", None, {
        "customer_id": customer.id, "customer": customer.name, "contract_value": customer.budget,
        "decision_makers": people, "product": product, "kb_version": kb_version}
    yield None, "submit_contract", None, {
        "contract_number": number, "contract_amount": customer.budget,
        "terms": words["terms"], "invoice_type": "vat_special",
        "special_acceptance_terms": words["special_acceptance_terms"],
        "contract_document": replay.document(rep, words["contract_file"].format(id=customer.id), contract)}
    yield None, "legal_review", "legal", {"legal_approved": True}
    yield "handover", "delivery_review", "delivery", {"delivery_approved": True}
    yield None, "core_requirements", None, {"requirements": {
        "items": [{"requirement": words["requirement"]}], "contact_name": contact["name"],
        "contact_phone": contact.get("phone", "+86 10 5555")}}
    yield None, "confirmed_risks", None, {"risks": [{"risk": words["risk"]}]}
    yield None, "open_items_step", None, {"open_items": [{"item": words["open_item"]}]}
    yield None, "sales_signs", None, {"sales_confirms": True}
    yield "implementation", "delivery_signs", "delivery", {"delivery_decision": "accept"}
    yield "uat", "implementation", "delivery", {"implementation_done": True}
    yield "acceptance", "uat", "delivery", {"uat_passed": True}
    yield "invoicing", "acceptance", "delivery", {
        "acceptance_document": replay.document("delivery", words["acceptance_file"],
                                               acceptance_pdf(demo.locale, customer.name, "2026-01-15")),
        "accepted_on": "2026-01-15"}
    yield "payment", "invoicing", "finance", {"invoice_number": f"INV-{customer.id}",
                                              "invoiced_amount": customer.budget}


def seed_projects(services: Services, locale: str | None = None) -> int:
    """The projects of the demo in `locale` (en, zh-CN); 0 when lifecycle projects exist already."""
    demo = demo_set(locale)
    with services.sessions() as session:
        if session.scalar(select(func.count()).where(Instance.process_id == "project_lifecycle")):
            return 0
        customers = _customers(session, demo)
        people = {u.username: u.id for u in session.scalars(select(User))}
        session.commit()
    now, seeded = utcnow(), []
    for name, rep, product, kb_version, days_ago, target in demo.projects:
        with freeze_time(now - timedelta(days=days_ago)) as clock:
            replay = Replay(services, people, clock)
            customer = customers[name]
            project = instances.start_process(services, "project_lifecycle",
                                              {"customer_id": customer.id, "customer": customer.name},
                                              actor_id=people[rep]).instance_id
            for enters, element, who, data in _steps(replay, demo, customer, product, kb_version, rep):
                if enters is not None and ORDER.index(enters) > ORDER.index(target):
                    break  # this step would move the project past where the demo leaves it
                replay.act(project, element, who or rep, data)
        seeded.append(project)
    for project in seeded:  # once every project exists: a reminder fired now must not change how others replay
        _catch_up(services, project)
    return len(demo.projects)


def _catch_up(services: Services, instance_id: int) -> None:
    """Fires, now, what the replayed past left due (a stage reminder of days ago), through the flow itself.

    Left to the worker, each would count in the timer-lateness histogram as late by days: the
    histogram measures the timer machinery, and a replayed history is not its lateness.
    """
    timers.fire_due_timers(services, instance_id)


def _customers(session, demo: DemoSet) -> dict[str, Customer]:
    existing = {c.name: c for c in session.scalars(select(Customer))}
    for name, industry, budget, sla, complaints, decision_makers in demo.customers:
        if name not in existing:
            existing[name] = Customer(name=name, industry=industry, budget=budget, sla_achievement=sla,
                                      complaint_types=complaints, decision_makers=[dict(d) for d in decision_makers],
                                      updated_at=utcnow())
            session.add(existing[name])
    for product, version in demo.products.items():
        if session.get(KbProduct, product) is None:
            session.add(KbProduct(product=product, current_version=version, updated_at=utcnow()))
    session.flush()
    return existing
