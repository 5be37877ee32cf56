"""R5: three departments work in parallel on a freeze; one timing out marks the project red and reaches the VP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from service.flows.errors import FormInvalid
from service.store.models import Instance
from tests.support import count, events, inbox, instance, open_elements, run_jobs, task_by_element

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai, the process's calendar
# 48 working hours of 8 (09-12, 13-18, Monday to Friday): six working days, the next Monday 18:00 local.
DUE = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


def request_freeze(library, project_id: int | None = None, sla: str = "PT48H") -> int:
    """The rep asks to freeze the custom requirements of a project of theirs (a new one unless named)."""
    project_id = project_id or library.won_project()
    started = instances.start_process(library.services, "requirement_freeze",
                                      {"project_id": project_id, "customer": "ACME Education", "sla": sla},
                                      actor_id=library.people["rep"])
    return started.instance_id


def test_three_tasks_start_in_parallel_and_the_freeze_completes_when_all_are_done(services, library):
    freeze = request_freeze(library)
    assert open_elements(services, freeze) == ["payment_ratios", "supplementary_terms", "workload_estimate"]
    assert {task_by_element(services, freeze, e).candidate_group for e in open_elements(services, freeze)} == {
        "tech", "legal", "finance"}
    library.task(freeze, "workload_estimate", "tech", {"workload_days": 35})
    library.task(freeze, "supplementary_terms", "legal", {"supplementary_terms": "Custom SSO is out of warranty"})
    library.task(freeze, "payment_ratios", "finance", {"payment_ratios": [{"milestone": "signing", "percent": 30},
                                                                          {"milestone": "acceptance", "percent": 70}]})
    assert instance(services, freeze).status == "completed"
    assert len(events(services, "freeze_completed", freeze)) == 1


def test_one_timing_out_marks_the_project_red_and_escalates_to_the_sales_vp(services, library):
    with freeze_time(T0) as clock:
        project = library.won_project()
        freeze = request_freeze(library, project)
        library.task(freeze, "workload_estimate", "tech", {"workload_days": 35})
        library.task(freeze, "supplementary_terms", "legal", {"supplementary_terms": "Out of warranty"})
        assert task_by_element(services, freeze, "payment_ratios").due_at == DUE
        clock.move_to(T0 + timedelta(hours=48, seconds=1))  # 48 clock hours are only 16 working hours
        run_jobs(services)
        assert events(services, "freeze_timeout", freeze) == []
        clock.move_to(DUE + timedelta(seconds=1))
        run_jobs(services)
    [red] = events(services, "freeze_timeout", freeze)
    assert (red.data["project_id"], red.data["part"], red.data["flag"]) == (project, "payment_ratios", "red")
    [escalation] = [m for m in inbox(services, library.people["vp"]) if m.body.get("kind") == "escalate"]
    assert escalation.subject == "Requirement freeze of ACME Education: define the staged payment ratios is overdue"
    assert [m for m in inbox(services, library.people["sales_mgr"])  # the project's own stage reminders aside
            if m.subject.startswith("Requirement freeze")] == []
    assert open_elements(services, freeze) == ["payment_ratios"]  # still to be done


def test_each_department_sla_comes_from_the_start_data_in_working_hours(services, library):
    with freeze_time(datetime(2026, 6, 5, 8, 0, tzinfo=UTC)):  # Friday 16:00 in Shanghai
        freeze = request_freeze(library, sla="PT4H")
    due = task_by_element(services, freeze, "workload_estimate")
    assert due.due_at == datetime(2026, 6, 8, 3, 0, tzinfo=UTC)  # 2 h on Friday, 2 h on Monday: 11:00 local


def test_without_an_sla_each_department_gets_48_working_hours(services, library):
    with freeze_time(T0):
        freeze = instances.start_process(services, "requirement_freeze",
                                         {"project_id": library.won_project(), "customer": "ACME"},
                                         actor_id=library.people["rep"]).instance_id
    assert {task_by_element(services, freeze, e).due_at for e in open_elements(services, freeze)} == {DUE}


def test_a_freeze_names_a_project_its_starter_can_see(services, library):
    """Otherwise a rep could flag anyone's project red and escalate it to the VP."""
    others = instances.start_process(services, "project_lifecycle",
                                     {"customer_id": library.customer_id, "customer": "ACME Education"},
                                     actor_id=library.people["rep2"]).instance_id
    lead = instances.start_process(services, "requirement_freeze", {"project_id": library.won_project(),
                                                                    "customer": "ACME"},
                                   actor_id=library.people["rep"]).instance_id
    for project_id in (others, 10**9, lead):  # rep2's project, none at all, not a project
        with pytest.raises(FormInvalid) as refused:
            request_freeze(library, project_id)
        assert refused.value.errors == {"project_id": [f"no project {project_id} that you can see"]}
    assert count(services, Instance, Instance.process_id == "requirement_freeze") == 1
    assert events(services, "freeze_requested") and all(
        e.data["project_id"] != others for e in events(services, "freeze_requested"))
