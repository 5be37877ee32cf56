"""The instance page's timeline reads as sentences: people by name, elements by the diagram's names."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from service.store.models import AuditEvent, ProcessVersion
from service.web.timeline import Names, details, sentence
from service.web.words import element_names, field_words
from tests.support import deploy_library

AT = datetime(2026, 11, 30, 7, 19, 54, 55279, tzinfo=UTC)
WORDS = field_words({"type": "object", "properties": {
    "requirements": {"type": "object", "title": "Core requirements"},
    "open_items": {"type": "array", "title": "Open items"}}})
NAMES = Names(people={3: "Rita Patel (Sales rep)", 5: "Lena Gross (Legal)"},
              usernames={"delivery_head": "Diego Alvarez (Head of delivery)",
                         "delivery": "Dana Kim (Delivery manager)"},
              elements={"legal_review": "Legal review of the contract", "letter_late": "3 days: letter overdue",
                        "push_to_finance": "Send finance the acceptance and invoicing data"},
              words=WORDS, process="Project lifecycle: opportunity to cash")


def event(kind: str, actor_id=None, element_id=None, **data) -> AuditEvent:
    return AuditEvent(at=AT, kind=kind, actor_id=actor_id, element_id=element_id, data=data)


def test_people_and_tasks_read_by_name():
    assert sentence(event("sign", 3, section="requirements", role="sales", sha256="ab" * 32), NAMES) == \
        "Rita Patel (Sales rep) signed “Core requirements”"
    assert sentence(event("task_completed", 5, "legal_review", name="Legal review of the contract"), NAMES) == \
        "Lena Gross (Legal) completed “Legal review of the contract”"
    assert sentence(event("task_claimed", 5, "legal_review"), NAMES) == \
        "Lena Gross (Legal) took “Legal review of the contract”"
    assert sentence(event("instance_started", 3, process_id="project_lifecycle", version=1, business_key=None),
                    NAMES) == "Rita Patel (Sales rep) started “Project lifecycle: opportunity to cash”"
    assert sentence(event("sealed", 3, sections=["requirements", "open_items"]), NAMES) == \
        "“Core requirements”, “Open items” sealed: a change now breaks the signatures"


def test_the_service_s_own_steps_read_as_what_happened():
    assert sentence(event("timer_fired", None, "letter_late", timer_kind="date"), NAMES) == \
        "The timer “3 days: letter overdue” went off"
    assert sentence(event("notify", None, "push_service_history", recipients=["delivery_head", "delivery"],
                          subject="Legal is reviewing the contract"), NAMES) == \
        "Told Diego Alvarez (Head of delivery), Dana Kim (Delivery manager): “Legal is reviewing the contract”"
    assert sentence(event("signatures_verified", valid=True, missing=[]), NAMES) == \
        "Every signature was checked and holds"
    assert sentence(event("signatures_verified", valid=False, missing=["open_items by delivery"]), NAMES) == \
        "The signature check found gaps: Open items by delivery"
    assert sentence(event("kb_checked", product="Campus", bound="V2.0", current="V2.1", matches=False), NAMES) == \
        "The knowledge-base version of Campus is out of date: bound V2.0, current V2.1"
    assert sentence(event("push", None, "push_to_finance", channel="finance"), NAMES) == \
        "“Send finance the acceptance and invoicing data” was sent to finance"
    assert sentence(event("handover_delayed", None, "log_delay"), NAMES) == "Handover delayed"  # a diagram's kind


def test_a_due_time_reads_as_local_time_and_no_sentence_shows_a_literal():
    opened = event("task_opened", None, "legal_review", name="Legal review of the contract",
                   candidate_group="legal", due_at="2026-11-30T17:19:54.055279+00:00")
    assert sentence(opened, NAMES) == "“Legal review of the contract” is waiting for Legal, due 2026-11-30 17:19 UTC"
    started = sentence(event("instance_started", None, business_key=None), NAMES)
    assert "None" not in started and started.startswith("The service started")


def test_details_keep_the_facts_with_short_hashes_and_local_times():
    rows = dict(details(event("sign", 3, section="requirements", role="sales", sha256="ab" * 32), NAMES))
    assert rows["Sha256"] == "abababababab…" and rows["Section"] == "requirements"
    rows = dict(details(event("timer_fired", None, "letter_late", due="2026-11-30T17:19:54.055279+00:00",
                              lateness_s=3600.0), NAMES))
    assert rows["Due"] == "2026-11-30 17:19 UTC" and rows["Diagram element"] == "3 days: letter overdue (letter_late)"


def test_the_shipped_diagrams_name_their_elements(services):
    deploy_library(services)
    with services.sessions() as session:
        ref = session.scalar(select(ProcessVersion.content_hash)
                             .where(ProcessVersion.process_id == "project_lifecycle"))
    parsed = services.library.get(ref)
    names = element_names(parsed)
    assert names["legal_review"] == parsed.user_tasks["legal_review"].name == "Legal review of the contract"
    assert "_" not in names["escalate_letter_late"]  # a called process's element is named too
