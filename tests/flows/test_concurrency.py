"""The same task completed twice at once: exactly one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading

from service.flows import instances
from service.flows.errors import Conflict
from tests.support import deploy_fixtures, events, instance, open_tasks, seed, task_by_element


def test_two_concurrent_completions_of_one_task_one_succeeds_one_conflicts(services):
    deploy_fixtures(services)
    people = seed(services)
    started = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    review = task_by_element(services, started.instance_id, "review")
    instances.claim_task(services, review.id, people["delivery"])

    # Both requests load the instance and run the engine before either commits.
    both_computed = threading.Barrier(2, timeout=30)
    real_complete = services.engine.complete

    def complete_then_wait(*args, **kwargs):
        real_complete(*args, **kwargs)
        both_computed.wait()

    services.engine.complete = complete_then_wait
    outcomes: list[str] = []

    def submit(comment: str):
        try:
            instances.complete_task(services, review.id, people["delivery"], {"approved": True, "comment": comment})
            outcomes.append("ok:" + comment)
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=submit, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"]
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("ok"))
    assert len(events(services, "task_completed", started.instance_id)) == 1
    row = instance(services, started.instance_id)
    assert row.data["comment"] == winner
    assert task_by_element(services, started.instance_id, "review").status == "completed"
    assert open_tasks(services, started.instance_id) == []
    assert row.next_wakeup_at is not None  # the cool-off timer of the winning completion


def test_a_task_reassigned_while_its_completion_runs_makes_the_completion_a_conflict(services):
    deploy_fixtures(services)
    people = seed(services)
    started = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    review = task_by_element(services, started.instance_id, "review")
    version = instances.claim_task(services, review.id, people["delivery"])

    computed, go = threading.Event(), threading.Event()
    real_complete = services.engine.complete

    def complete_then_wait(*args, **kwargs):
        real_complete(*args, **kwargs)
        computed.set()
        go.wait(timeout=30)

    services.engine.complete = complete_then_wait
    outcome: list[str] = []

    def submit():
        try:
            instances.complete_task(services, review.id, people["delivery"], {"approved": True}, version)
            outcome.append("ok")
        except Conflict:
            outcome.append("conflict")

    thread = threading.Thread(target=submit)
    thread.start()
    assert computed.wait(timeout=30)
    instances.reassign_task(services, review.id, people["delivery_head"], people["delivery_head"], version)
    go.set()
    thread.join(timeout=60)

    assert outcome == ["conflict"]
    task = task_by_element(services, started.instance_id, "review")
    assert (task.status, task.assignee_id, task.row_version) == ("open", people["delivery_head"], version + 1)
    assert events(services, "task_completed", started.instance_id) == []
    assert instance(services, started.instance_id).row_version == started.row_version
