"""Stored XSS (issue 13): script-shaped text typed by people and designers is shown as text, and never runs.

A project of a customer with a hostile name is taken through every stage with the same hostile string in
every free-text field of every form it meets (contract rejected once, so the revision form too; frozen by
the knowledge-base check, released, frozen by hand with a hostile reason), a requirement freeze and a
customer change add theirs, and a designer deploys a lead process whose names and form texts are hostile.
Then every page is opened by the people who can see it. Any script of ours that ran (`window.__xss` set)
or anything the Content-Security-Policy had to refuse fails the test; the string must be on the pages as
typed, `<b>x</b>` included.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lxml import etree

from service.clock import utcnow
from service.engine.bundle import read_tree
from service.flows import instances
from service.flows.customers import change_customer
from service.flows.deploy import deploy
from service.store.models import Customer, Task
from tests.library import KB_VERSION
from tests.support import REPO, run_jobs, task_by_element

HOSTILE = '<b>x</b><img src=x onerror=__xss=1>"><svg onload=__xss=1><script>__xss=1</script>javascript:__xss=1'
TRAP = """
Object.defineProperty(window, "__xss", { set() { console.error("XSS executed on " + location.pathname); } });
"""
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def hostile(schema: dict, base: dict) -> dict:
    """`base` (what a person would send), with HOSTILE in every free-text string field of the form."""
    data = dict(base)
    for key, field in (schema.get("properties") or {}).items():
        kind, items = field.get("type"), field.get("items") or {}
        if kind == "string" and not ({"enum", "format", "pattern"} & set(field)):
            data[key] = HOSTILE
        elif kind == "object":
            data[key] = hostile(field, base.get(key) or {})
        elif kind == "array" and items.get("type") == "object":
            data[key] = [hostile(items, row) for row in base.get(key) or [{}]]
        elif kind == "array" and items.get("type") == "string" and "enum" not in items:
            data[key] = [HOSTILE]
    return data


def fill(library, instance_id: int, element_id: str, username: str, base: dict) -> None:
    task = task_by_element(library.services, instance_id, element_id)
    form = json.loads((REPO / "forms" / task.form_key).read_text(encoding="utf-8"))
    library.task(instance_id, element_id, username, hostile(form, base))


def hostile_project(library) -> tuple[int, int]:
    """A project of a hostile-named customer, through every stage to the payment, hostile wherever typed;
    and the requirement freeze of it, all three of its tasks done."""
    services, people = library.services, library.people
    with services.sessions() as session:
        customer = Customer(name=HOSTILE, industry="education", budget=500000, updated_at=utcnow(),
                            decision_makers=[], complaint_types=[HOSTILE], sla_achievement=0.9)
        session.add(customer)
        session.commit()
        customer_id = customer.id
    project = instances.start_process(services, "project_lifecycle", {"customer_id": customer_id, "customer": HOSTILE},
                                      actor_id=people["rep"]).instance_id
    fill(library, project, "opportunity", "rep", {  # product and kb_version too: the KB check freezes it
        "customer_id": customer_id, "customer": HOSTILE, "contract_value": 800000,
        "decision_makers": [{"name": "", "role": "", "phone": ""}], "product": "", "kb_version": KB_VERSION})
    fill(library, project, "submit_contract", "rep", {"contract_amount": 800000, "invoice_type": "vat_special"})
    fill(library, project, "legal_review", "legal", {"legal_approved": False})
    fill(library, project, "delivery_review", "delivery", {"delivery_approved": True})
    fill(library, project, "revise_contract", "rep", {"contract_amount": 790000})
    fill(library, project, "legal_review", "legal", {"legal_approved": True})
    fill(library, project, "delivery_review", "delivery", {"delivery_approved": True})
    fill(library, project, "core_requirements", "rep", {"requirements": {
        "items": [{"priority": "must"}], "contact_confirmed_on": "2026-01-05"}})
    fill(library, project, "confirmed_risks", "rep", {"risks": [{}]})
    fill(library, project, "open_items_step", "rep", {"open_items": [{"due": "2026-02-01"}]})
    fill(library, project, "sales_signs", "rep", {"sales_confirms": True})
    fill(library, project, "delivery_signs", "delivery", {"delivery_decision": "accept"})
    instances.release(services, project, people["product"])  # frozen by the KB check of a hostile product
    fill(library, project, "implementation", "delivery", {"implementation_done": True})
    fill(library, project, "uat", "delivery", {"uat_passed": True})
    fill(library, project, "acceptance", "delivery", {
        "acceptance_document": library.document("delivery", f"{HOSTILE}.pdf"), "accepted_on": "2026-03-01"})
    fill(library, project, "invoicing", "finance", {"invoiced_amount": 790000})
    change_customer(services, customer_id, {"decision_makers": [{"name": HOSTILE, "role": HOSTILE}],
                                            "executive_attention": True}, people["rep"])
    freeze = instances.start_process(services, "requirement_freeze", hostile(
        json.loads((REPO / "forms/freeze/start.json").read_text()), {"project_id": project}),
        actor_id=people["rep"]).instance_id
    fill(library, freeze, "workload_estimate", "tech", {"workload_days": 12})
    fill(library, freeze, "supplementary_terms", "legal", {})
    fill(library, freeze, "payment_ratios", "finance", {"payment_ratios": [{"percent": 100}]})
    instances.freeze(services, project, HOSTILE, people["admin"])
    return project, freeze


def hostile_designer_upload(services, people, root: Path) -> int:
    """A designer's lead process whose process, task and form texts are hostile; a lead waits in it."""
    shutil.copytree(REPO / "bpmn", root / "bpmn")
    shutil.copytree(REPO / "forms", root / "forms")
    diagram = root / "bpmn" / "lead_response.bpmn"
    tree = etree.parse(str(diagram))
    tree.find(f"{BPMN}process").set("name", HOSTILE)
    for element in tree.iter(f"{BPMN}userTask", f"{BPMN}startEvent", f"{BPMN}endEvent"):
        element.set("name", HOSTILE)
    tree.write(str(diagram), xml_declaration=True, encoding="UTF-8")
    form_file = root / "forms" / "lead" / "follow_up.json"
    form = json.loads(form_file.read_text(encoding="utf-8"))
    form.update(title=HOSTILE, description=HOSTILE)
    for field in form["properties"].values():
        field.update(title=HOSTILE, description=HOSTILE)
    form["properties"]["channel"] = {"type": "string", "title": HOSTILE, "enum": ["call", "visit"],
                                     "options": {"enum_titles": [HOSTILE, "visit"]}}
    form["properties"]["photo"] = {"type": "string", "title": HOSTILE, "media": {"binaryEncoding": "base64"},
                                   "default": f"data:{HOSTILE};base64,AAAA"}
    form["required"] += ["next_step", "channel", "photo"]  # the pages leave out empty optional fields
    form_file.write_text(json.dumps(form), encoding="utf-8")
    deploy(services, read_tree(root), "designer")
    lead = instances.start_process(services, "lead_response", {
        "company": HOSTILE, "industry": "retail", "budget": 50000, "decision_maker_level": "principal"}).instance_id
    instances.claim_task(services, task_by_element(services, lead, "follow_up_lead").id, people["rep"])
    return lead


def tasks_of(services, *instance_ids: int) -> list[Task]:
    with services.sessions() as session:
        return [t for i in instance_ids for t in session.query(Task).filter_by(instance_id=i).order_by(Task.id)]


def visit(someone, path: str) -> None:
    """Opens a page, waits for what its scripts draw, and checks the hostile text is there as typed."""
    page = someone.open(path)
    if path.startswith("/tasks/"):
        page.wait_for_selector("#task-form[data-ready=yes], #answers")  # a completed task: its answers, read-only
    if path.startswith(("/instances/", "/designer?")) and not path.endswith("/signatures"):
        page.wait_for_selector(".djs-container svg")
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__xss") is None, f"{someone.username} ran injected script on {path}"
    shown = page.evaluate("""(text) => document.body.innerText.includes(text)
        || [...document.querySelectorAll('input, textarea, option')].some(e => (e.value || e.text) === text)
        || [...document.querySelectorAll('svg text')].some(e => e.textContent.includes('<img src=x'))""", HOSTILE)
    assert shown, f"{someone.username} does not see the typed text as typed on {path}"


def test_hostile_text_is_shown_as_typed_and_never_runs(person, library, services, tmp_path):
    project, freeze = hostile_project(library)
    lead = hostile_designer_upload(services, library.people, tmp_path / "designer")
    run_jobs(services)  # the in-app messages (KB freeze, customer change, rejection) reach their inboxes
    task_pages = {t.element_id: f"/tasks/{t.id}" for t in tasks_of(services, project, freeze, lead)}
    every_form = {t.form_key: f"/tasks/{t.id}" for t in tasks_of(services, project, freeze, lead)}.values()
    visits = {
        "rep": ["/tasks", "/projects", f"/instances/{project}", f"/instances/{project}/signatures",
                f"/instances/{freeze}", f"/instances/{lead}", "/start/project_lifecycle", *every_form],
        "legal": [task_pages["legal_review"], task_pages["supplementary_terms"], f"/instances/{project}"],
        "delivery": ["/inbox", task_pages["delivery_signs"], f"/instances/{project}"],
        "product": ["/inbox", f"/instances/{project}"],
        "finance": ["/tasks", "/dashboard", task_pages["payment"], task_pages["payment_ratios"]],
        "tech": [task_pages["workload_estimate"]],
        "sales_mgr": ["/dashboard", f"/instances/{project}"],
        "vp": ["/dashboard"],
        "designer": ["/designer", "/designer?process_id=lead_response"],
        "admin": ["/projects", f"/instances/{project}"],
    }
    for username, paths in visits.items():
        someone = person(username)
        someone.page.add_init_script(TRAP)
        someone.page.on("console", lambda message, who=someone: who.errors.append(message.text)
                        if "XSS executed" in message.text else None)
        for path in paths:
            visit(someone, path)
            if path == task_pages["opportunity"]:
                someone.shot("hostile-opportunity")
            if path == task_pages["follow_up_lead"]:
                someone.shot("hostile-designer-form")
    # The person fixture fails the test on any page error, "XSS executed" or CSP violation it collected.
