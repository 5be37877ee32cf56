"""R2: the three-piece handover package, sealed requirements, signatures that break, the 48 h SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from service.flows.errors import Forbidden
from service.flows.signatures import verify
from service.store.models import AuditEvent, Instance
from tests.support import count, events, inbox, instance, open_elements, run_jobs, task_by_element

REQUIREMENTS = {"items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
                "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}


def at_handover(library) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    return project


def three_parts(library, project):
    library.task(project, "core_requirements", "rep", {"requirements": REQUIREMENTS})
    library.task(project, "confirmed_risks", "rep", {"risks": [{"risk": "IT refuses to open API access"}]})
    library.task(project, "open_items_step", "rep", {"open_items": [{"item": "Written confirmation of the "
                                                                              "deployment environment"}]})


def test_delivery_can_read_the_sealed_requirements_but_nobody_can_change_them(services, library):
    project = at_handover(library)
    three_parts(library, project)
    sign = task_by_element(services, project, "delivery_signs")
    instances.claim_task(services, sign.id, library.people["delivery"])
    assert task_by_element(services, project, "delivery_signs").status == "open"
    assert instance(services, project).data["requirements"] == REQUIREMENTS  # readable

    before = (instance(services, project).row_version, count(services, AuditEvent))
    forged = {"delivery_decision": "accept", "requirements": {**REQUIREMENTS, "items": []}}
    with pytest.raises(Forbidden) as refused:
        instances.complete_task(services, sign.id, library.people["delivery"], forged)
    assert refused.value.details["errors"] == {"requirements": ["sealed after submission; read-only for everyone"]}
    assert (instance(services, project).row_version, count(services, AuditEvent)) == before
    assert instance(services, project).sealed == ["requirements"]


def test_the_handover_completes_only_when_all_three_parts_carry_both_signatures(services, library):
    project = at_handover(library)
    three_parts(library, project)
    library.task(project, "sales_signs", "rep", {"sales_confirms": True})
    assert instance(services, project).stage == "Handover"
    library.task(project, "delivery_signs", "delivery", {"delivery_decision": "request_changes",
                                                         "delivery_comment": "Name who confirms the environment"})
    assert open_elements(services, project) == ["update_package"]  # both signed, but delivery wants changes

    library.task(project, "update_package", "rep", {"open_items": [
        {"item": "Written confirmation of the deployment environment", "owner": "Customer IT lead"}]})
    with services.sessions() as session:
        checks = verify(session, services.signer, project, instance(services, project).data)
    assert {(c.section, c.role, c.valid) for c in checks if c.section == "open_items"} == {
        ("open_items", "sales", False), ("open_items", "delivery", False)}  # changed content breaks them
    assert {c.valid for c in checks if c.section != "open_items"} == {True}

    # This round delivery signs first: the last round's "request_changes" must not win the join.
    library.task(project, "delivery_signs", "delivery", {"delivery_decision": "accept"})
    library.task(project, "sales_signs", "rep", {"sales_confirms": True})
    assert instance(services, project).stage == "Implementation"
    verified = events(services, "signatures_verified", project)
    assert [e.data["valid"] for e in verified] == [True, True]  # first pass: signed, but changes requested
    assert len(events(services, "handover_completed", project)) == 1


def test_a_signature_without_the_other_party_does_not_complete_the_handover(services, library):
    project = at_handover(library)
    three_parts(library, project)
    library.task(project, "sales_signs", "rep", {"sales_confirms": True})
    assert open_elements(services, project) == ["delivery_signs"]
    assert events(services, "handover_completed", project) == []


def test_a_handover_not_completed_within_48h_is_flagged_delayed(services, library):
    t0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with freeze_time(t0) as clock:
        project = at_handover(library)
        three_parts(library, project)
        clock.move_to(t0 + timedelta(hours=47, minutes=59))
        run_jobs(services)
        assert events(services, "handover_delayed", project) == []
        clock.move_to(t0 + timedelta(hours=48, seconds=1))
        run_jobs(services)
        assert len(events(services, "handover_delayed", project)) == 1
        escalations = [m for m in inbox(services, library.people["sales_mgr"]) if m.body.get("kind") == "escalate"]
        assert [m.subject for m in escalations] == ["Handover of ACME Education is delayed beyond 48 hours"]
        assert open_elements(services, project) == ["delivery_signs", "sales_signs"]  # not interrupted
    with services.sessions() as session:
        assert session.get(Instance, project).status == "running"


def test_releasing_a_frozen_project_cannot_rewrite_sealed_requirements(services, library):
    project = at_handover(library)
    three_parts(library, project)
    instances.freeze(services, project, "audit", actor_id=library.people["sales_mgr"])  # the rep's manager
    with pytest.raises(Forbidden):
        instances.release(services, project, actor_id=library.people["sales_mgr"],
                          data={"requirements": {**REQUIREMENTS, "items": []}})
    assert instance(services, project).frozen
    assert instance(services, project).data["requirements"] == REQUIREMENTS
