"""R2.2: incomplete or late handovers stop a rep from starting opportunities until a manager records training."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from service.flows.discipline import record_training
from service.flows.errors import Forbidden
from tests.support import events, run_jobs

T0 = datetime(2026, 8, 3, 1, 0, tzinfo=UTC)


def submit_package(library, risks: list) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    library.task(project, "core_requirements", "rep", {"requirements": {
        "items": [{"requirement": "SSO"}], "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
    library.task(project, "confirmed_risks", "rep", {"risks": risks})
    library.task(project, "open_items_step", "rep", {"open_items": [{"item": "Environment confirmation"}]})
    return project


def test_an_incomplete_first_submission_blocks_new_opportunities_until_training(services, library):
    people = library.people
    complete = submit_package(library, [{"risk": "No API access"}])
    incomplete = submit_package(library, [])  # 1 of 2 incomplete: 50% > 10%
    assert [e.data["complete"] for e in events(services, "handover_submitted", complete)] == [True]
    assert [e.data["complete"] for e in events(services, "handover_submitted", incomplete)] == [False]

    with pytest.raises(Forbidden) as refused:
        library.won_project()
    assert "1 of 2 handover packages were incomplete" in refused.value.message
    assert instances.start_process(services, "lead_response", {  # other processes are not guarded
        "company": "X", "industry": "retail", "budget": 1, "decision_maker_level": "buyer"}).status == "running"

    with pytest.raises(Forbidden):
        record_training(services, people["rep"], actor_id=people["rep2"])  # not the rep's manager
    record_training(services, people["rep"], actor_id=people["sales_mgr"])
    assert library.won_project() > incomplete  # allowed again
    assert events(services, "training_recorded")[0].actor_id == people["sales_mgr"]


def test_a_handover_delayed_beyond_48h_blocks_too(services, library):
    with freeze_time(T0) as clock:
        submit_package(library, [{"risk": "No API access"}])
        clock.move_to(T0 + timedelta(hours=48, seconds=1))
        run_jobs(services)
        with pytest.raises(Forbidden) as refused:
            library.won_project()
        assert "1 handover(s) were delayed" in refused.value.message


def test_a_colleague_in_good_standing_is_not_blocked(services, library):
    submit_package(library, [])
    started = instances.start_process(services, "project_lifecycle", {"customer_id": library.customer_id,
                                                                     "customer": "ACME Education"},
                                      actor_id=library.people["rep2"])
    assert started.status == "running"
