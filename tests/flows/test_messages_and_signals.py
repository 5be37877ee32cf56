"""Every construct that waits for a message or a signal runs: start, run to the wait, deliver, go on.

The diagrams are in tests/fixtures/messages (as Camunda Modeler 5 saves them). Each test starts a
real instance through the flows, checks what it waits for (the `waiting_event` rows the page and
the API show), delivers through `flows.events` as a partner system would, and checks what a
person would notice: the task that opens, the one that is cancelled, the data, the end reached.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import events, instances, timers, waits
from service.flows.errors import Conflict, Forbidden, NotFound
from service.store.models import WaitingEvent
from tests.support import FIXTURES, count, deploy_fixtures, instance, open_tasks, seed
from tests.support import events as log

MESSAGES = FIXTURES / "messages"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(services):
    deploy_fixtures(services, MESSAGES)
    return seed(services)


def start(services, people, process_id, data=None, business_key=None) -> int:
    return instances.start_process(services, process_id, data or {}, actor_id=people["rep"],
                                   business_key=business_key).instance_id


def waiting(services, instance_id) -> list[tuple[str, str, str]]:
    return [(w.kind, w.name, w.element_id) for w in waits.waiting_for(services, instance_id)]


def ended_at(services, instance_id) -> str:
    [done] = log(services, "instance_completed", instance_id)
    assert instance(services, instance_id).status == "completed"
    return done.kind


def test_a_receive_task_waits_for_its_message_and_the_payload_joins_the_data(services, people):
    instance_id = start(services, people, "msg_receive_task", {"contract": "C-7"}, business_key="C-7")
    assert waiting(services, instance_id) == [("message", "contract_signed", "Activity_0rcv1ct")]
    assert waits.waiting_names(services, instance_id) == [("message", "contract_signed")]

    done = events.correlate(services, "contract_signed", events.Correlation(business_key="C-7"),
                            {"signed_by": "Ann Lee", "envelope": "E-1"})
    assert done.delivered_to == [instance_id] and done.started == []
    row = instance(services, instance_id)
    assert row.status == "completed"
    assert row.data["signed_by"] == "Ann Lee" and row.data["contract"] == "C-7"
    assert waiting(services, instance_id) == [] and count(services, WaitingEvent) == 0
    [received] = log(services, "message_received", instance_id)
    assert received.data["message"] == "contract_signed"


def test_a_message_catch_event_is_found_by_correlation_keys_and_only_that_instance_moves(services, people):
    first = start(services, people, "msg_catch_event", {"invoice": "I-1"})
    second = start(services, people, "msg_catch_event", {"invoice": "I-2"})
    with pytest.raises(events.AmbiguousCorrelation) as refused:
        events.correlate(services, "payment_confirmed", events.Correlation(), {"amount": 10})
    assert refused.value.details["errors"]["instance_ids"] == [first, second]
    assert open_tasks(services, first) == [] and open_tasks(services, second) == []

    events.correlate(services, "payment_confirmed", events.Correlation(keys={"invoice": "I-2"}), {"amount": 10})
    assert [t.element_id for t in open_tasks(services, second)] == ["Activity_0thank1"]
    assert instance(services, second).data["amount"] == 10
    assert waiting(services, first) == [("message", "payment_confirmed", "Event_0pay1ct")]
    assert waiting(services, second) == []
    with pytest.raises(NotFound):  # I-2 no longer waits, I-1 does not match
        events.correlate(services, "payment_confirmed", events.Correlation(keys={"invoice": "I-2"}))
    with pytest.raises(NotFound):
        events.correlate(services, "payment_confirmed", events.Correlation(instance_id=second))


def test_a_message_start_event_starts_an_instance_when_nothing_waits(services, people):
    done = events.correlate(services, "order_received", events.Correlation(business_key="ORD-9",
                                                                          keys={"shop": "web"}), {"items": 3})
    [started] = done.started
    row = instance(services, started)
    assert (row.process_id, row.business_key, row.data["items"], row.data["shop"]) == (
        "msg_start_event", "ORD-9", 3, "web")
    assert [t.element_id for t in open_tasks(services, started)] == ["Activity_0handle1"]
    assert [e.data.get("by") for e in log(services, "instance_started", started)] == ["message"]


def test_an_event_based_gateway_takes_the_message_when_it_comes_first(services, people):
    instance_id = start(services, people, "msg_event_gateway")
    assert waiting(services, instance_id) == [("message", "answer_received", "Event_0answer1")]
    assert instance(services, instance_id).next_wakeup_at is not None  # the timer of the race is armed too
    events.correlate(services, "answer_received", events.Correlation(instance_id=instance_id), {"answer": "yes"})
    assert instance(services, instance_id).status == "completed"
    assert instance(services, instance_id).next_wakeup_at is None
    assert "Event_0answered" in _done_elements(services, instance_id)
    assert "Event_0timedout" not in _done_elements(services, instance_id)


def test_an_event_based_gateway_takes_the_timer_when_no_message_comes(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "msg_event_gateway")
        assert instance(services, instance_id).next_wakeup_at == T0 + timedelta(days=1)
        clock.move_to(T0 + timedelta(days=1, seconds=1))
        assert timers.fire_due_timers(services, instance_id).fired == ["Event_0late1tm"]
    assert instance(services, instance_id).status == "completed"
    assert "Event_0timedout" in _done_elements(services, instance_id)
    assert waiting(services, instance_id) == []
    with pytest.raises(NotFound):
        events.correlate(services, "answer_received", events.Correlation(instance_id=instance_id))


def test_a_signal_reaches_every_waiting_instance_and_starts_the_processes_it_starts(services, people):
    first = start(services, people, "msg_signal_catch", {"quote": "Q-1"})
    second = start(services, people, "msg_signal_catch", {"quote": "Q-2"})
    done = events.broadcast(services, "prices_published", {"price_list": "2026-03"})
    assert done.delivered_to == [first, second]
    [started] = done.started
    assert instance(services, started).process_id == "msg_signal_start"
    assert [t.element_id for t in open_tasks(services, started)] == ["Activity_0review1"]
    for instance_id in (first, second):
        assert instance(services, instance_id).status == "completed"
        assert instance(services, instance_id).data["price_list"] == "2026-03"
    assert len(log(services, "signal_received")) == 3


def test_a_signal_nobody_waits_for_is_not_found(services, people):
    with pytest.raises(NotFound):
        events.broadcast(services, "nobody_listens")
    with pytest.raises(NotFound):
        events.correlate(services, "nobody_listens", events.Correlation())


def test_an_interrupting_message_boundary_cancels_the_user_task(services, people):
    instance_id = start(services, people, "msg_boundary_task")
    assert waiting(services, instance_id) == [("message", "order_cancelled", "Event_0cancel1b"),
                                              ("signal", "terms_updated", "Event_0nudge1b")]
    [row] = waits.waiting_for(services, instance_id)[:1]
    assert (row.interrupting, row.attached_to) == (True, "Activity_0review2")
    events.correlate(services, "order_cancelled", events.Correlation(instance_id=instance_id), {"why": "budget"})
    assert open_tasks(services, instance_id) == []
    assert [e.element_id for e in log(services, "task_cancelled", instance_id)] == ["Activity_0review2"]
    assert "Event_0cancel1d" in _done_elements(services, instance_id)
    assert instance(services, instance_id).status == "completed"


def test_a_non_interrupting_signal_boundary_adds_work_and_keeps_the_task(services, people):
    instance_id = start(services, people, "msg_boundary_task")
    events.broadcast(services, "terms_updated", {"terms": "v2"})
    assert sorted(t.element_id for t in open_tasks(services, instance_id)) == ["Activity_0reread1",
                                                                               "Activity_0review2"]
    assert ("message", "order_cancelled", "Event_0cancel1b") in waiting(services, instance_id)


def test_boundary_events_on_a_subprocess(services, people):
    stopped = start(services, people, "msg_boundary_subprocess")
    noted = start(services, people, "msg_boundary_subprocess")
    events.broadcast(services, "scope_changed", {"scope": "smaller"})
    assert sorted(t.element_id for t in open_tasks(services, noted)) == ["Activity_0note1s", "Activity_0work1s"]
    events.correlate(services, "delivery_stopped", events.Correlation(instance_id=stopped))
    assert [t.element_id for t in open_tasks(services, stopped)] == ["Activity_0note1s"]  # the signal's work stays
    assert "Activity_0work1s" in [e.element_id for e in log(services, "task_cancelled", stopped)]
    assert "Event_0stop1d" in _done_elements(services, stopped)


def test_an_interrupting_message_event_subprocess_stops_the_process(services, people):
    instance_id = start(services, people, "msg_event_subprocess")
    assert waiting(services, instance_id) == [("message", "order_cancelled", "Event_0cxst1"),
                                              ("signal", "audit_requested", "Event_0auditst")]
    events.correlate(services, "order_cancelled", events.Correlation(instance_id=instance_id), {"why": "late"})
    assert open_tasks(services, instance_id) == []
    assert [e.element_id for e in log(services, "task_cancelled", instance_id)] == ["Activity_0pack1es"]
    assert instance(services, instance_id).status == "completed"
    assert instance(services, instance_id).data["why"] == "late"


def test_a_non_interrupting_signal_event_subprocess_runs_beside_the_process(services, people):
    instance_id = start(services, people, "msg_event_subprocess")
    events.broadcast(services, "audit_requested", {"auditor": "KPMG"})
    assert sorted(t.element_id for t in open_tasks(services, instance_id)) == ["Activity_0audit1t",
                                                                               "Activity_0pack1es"]
    assert ("message", "order_cancelled", "Event_0cxst1") in waiting(services, instance_id)
    pack = next(t for t in open_tasks(services, instance_id) if t.element_id == "Activity_0pack1es")
    instances.claim_task(services, pack.id, people["rep"])
    instances.complete_task(services, pack.id, people["rep"], {})
    audit_task = open_tasks(services, instance_id)[0]
    instances.claim_task(services, audit_task.id, people["rep"])
    instances.complete_task(services, audit_task.id, people["rep"], {})
    assert instance(services, instance_id).status == "completed"
    assert waiting(services, instance_id) == []


def test_flows_deliver_message_keeps_working_for_callers_with_an_instance_id(services, people):
    instance_id = start(services, people, "msg_catch_event", {"invoice": "I-9"})
    instances.deliver_message(services, instance_id, "payment_confirmed", {"amount": 1}, people["finance"])
    assert [t.element_id for t in open_tasks(services, instance_id)] == ["Activity_0thank1"]
    with pytest.raises(Conflict):
        instances.deliver_message(services, instance_id, "payment_confirmed", {})


def test_a_frozen_instance_refuses_and_a_sealed_key_stays_sealed(services, people):
    frozen = start(services, people, "msg_catch_event", {"invoice": "I-3"})
    instances.freeze(services, frozen, "checking")
    with pytest.raises(Conflict):
        events.correlate(services, "payment_confirmed", events.Correlation(instance_id=frozen))
    assert waiting(services, frozen) == [("message", "payment_confirmed", "Event_0pay1ct")]
    sealed = start(services, people, "msg_signal_catch")
    with services.sessions() as session:
        from service.store.models import Instance

        session.get(Instance, sealed).sealed = ["price_list"]
        session.commit()
    done = events.broadcast(services, "prices_published", {"price_list": "forged"})
    [skipped] = done.skipped  # the signal start still started its process; this instance kept its word
    assert skipped["instance_id"] == sealed and "sealed" in skipped["reason"]
    assert "price_list" not in instance(services, sealed).data and waiting(services, sealed)


def test_only_admins_and_integrations_send(services, people):
    start(services, people, "msg_signal_catch")
    with pytest.raises(Forbidden):
        events.broadcast(services, "prices_published", actor_id=people["rep"])
    assert events.broadcast(services, "prices_published", actor_id=people["admin"]).delivered_to


def _done_elements(services, instance_id) -> list[str]:
    from service.engine.runner import element_states

    row = instance(services, instance_id)
    return element_states(services.engine.restore(row.state))[0]


def test_a_message_carrying_a_correlation_property_reaches_the_receive_task(services, people):
    """The property's retrieval expression (`order_id`) is read from the message the partner sends."""
    instance_id = start(services, people, "msg_correlation_property", {"order_id": "O-7"}, business_key="O-7")
    assert waiting(services, instance_id) == [("message", "order_paid", "Activity_0rcv1op")]

    done = events.correlate(services, "order_paid", events.Correlation(business_key="O-7"),
                            {"order_id": "O-7", "amount": 120})
    assert done.delivered_to == [instance_id]
    row = instance(services, instance_id)
    assert row.status == "completed"
    assert row.data["amount"] == 120
