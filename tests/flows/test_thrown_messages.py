"""What a process throws reaches the other instances: a send task, a signal throw, a message end event.

The thrower commits its step with an outbox row per event; a real RQ worker delivers the rows, each
receiving instance in its own transaction (tests/fixtures/messages/bpmn/throw.bpmn and
shipment_wait.bpmn).
"""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from service.flows import instances, waits
from service.jobs.sweeper import sweep
from service.store.models import Outbox
from tests.support import FIXTURES, deploy_fixtures, events, instance, run_jobs, seed


def outbox(services, instance_id):
    with services.sessions() as session:
        return list(session.scalars(select(Outbox).where(Outbox.instance_id == instance_id, Outbox.channel == "bpmn")
                                    .order_by(Outbox.id)))


def test_a_send_task_a_signal_and_a_message_end_event_reach_the_instances_that_wait(services):
    deploy_fixtures(services, FIXTURES / "messages")
    people = seed(services)
    receiver = instances.start_process(services, "msg_shipment_wait", actor_id=people["rep"],
                                       business_key="ORD-1").instance_id
    other = instances.start_process(services, "msg_shipment_wait", actor_id=people["rep"],
                                    business_key="ORD-2").instance_id
    quote = instances.start_process(services, "msg_signal_catch", actor_id=people["rep"]).instance_id

    thrower = instances.start_process(services, "msg_throw", actor_id=people["rep"], business_key="ORD-1")
    assert thrower.status == "completed"  # throwing never waits
    assert [row.topic for row in outbox(services, thrower.instance_id)] == [
        "message:order_shipped", "signal:prices_published", "message:invoice_due"]
    run_jobs(services)  # delivered in the order thrown: shipped, prices, then the invoice notice

    assert [row.status for row in outbox(services, thrower.instance_id)] == ["sent", "sent", "sent"]
    assert instance(services, receiver).status == "completed"
    assert instance(services, quote).status == "completed"
    assert waits.waiting_names(services, other) == [("message", "order_shipped")]  # another business key
    assert [e.data["message"] for e in events(services, "message_received", receiver)] == [
        "order_shipped", "invoice_due"]


def test_a_thrown_message_nobody_waits_for_is_retried_then_failed_with_the_reason(services):
    deploy_fixtures(services, FIXTURES / "messages")
    people = seed(services)
    thrower = instances.start_process(services, "msg_throw", actor_id=people["rep"], business_key="ORD-7")
    with freeze_time(services.clock()) as clock:
        for _ in range(10):
            run_jobs(services)
            clock.tick(timedelta(hours=1))
            sweep(services)  # the sweeper re-enqueues the retries that came due
    rows = outbox(services, thrower.instance_id)
    assert [(row.topic, row.status) for row in rows] == [
        ("message:order_shipped", "failed"), ("signal:prices_published", "sent"), ("message:invoice_due", "failed")]
    assert "nothing waits for message 'order_shipped'" in rows[0].last_error
