"""The Prometheus collector: state counted from the database at scrape time, worker-made figures from Redis.

Web and worker processes are many and short-lived, so nothing is kept in a
process's memory: gauges are a handful of indexed counts (instance by status, task
by status and due time, outbox by status, instance by next wake-up), and timer
lateness and job failures come from the shared Redis hashes the workers write
(`service.ops.shared_metrics`), plus RQ's own queues, failed-job registries and workers.
A source that cannot be read shows as ``handoff_up{source=...} 0`` instead of failing the scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from rq import Queue, Worker
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from service.jobs import heartbeat
from service.store.models import Instance, Outbox, Task

from .checks import LATE_TIMER_GRACE
from .shared_metrics import read_failures, read_lateness

log = logging.getLogger(__name__)
INSTANCE_STATUSES = ("running", "completed", "error", "cancelled")


class HandoffCollector:
    def __init__(self, services):
        self.services = services

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("handoff_up", "1 when the scrape could read the source", labels=["source"])
        for source, read in (("database", self._database), ("redis", self._redis)):
            try:
                metrics = list(read())
            except Exception:  # noqa: BLE001 - a scrape reports a broken source, it does not fail
                log.warning("metrics: could not read the %s", source, exc_info=True)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from metrics
        yield up

    def _database(self) -> Iterator[Metric]:
        now = self.services.clock()
        with self.services.sessions() as session:
            by_status = dict.fromkeys(INSTANCE_STATUSES, 0)
            by_status.update(session.execute(select(Instance.status, func.count()).group_by(Instance.status)).all())

            def count(model, *where) -> int:
                return session.scalar(select(func.count()).select_from(model).where(*where))

            open_tasks = count(Task, Task.status == "open")
            overdue = count(Task, Task.status == "open", Task.due_at < now)
            late_timers = count(Instance, Instance.next_wakeup_at < now - LATE_TIMER_GRACE)
            pending = count(Outbox, Outbox.status == "pending")
            given_up = count(Outbox, Outbox.status == "failed")
        instances = GaugeMetricFamily("handoff_instances", "Process instances by status", labels=["status"])
        for status, n in sorted(by_status.items()):
            instances.add_metric([status], n)
        yield instances
        yield GaugeMetricFamily("handoff_tasks_open", "Open user tasks", value=open_tasks)
        yield GaugeMetricFamily("handoff_tasks_overdue", "Open user tasks past their due time", value=overdue)
        yield GaugeMetricFamily("handoff_timers_late", "Instances whose next timer is due more than 60 s ago "
                                "and has not fired (no worker or sweeper running?)", value=late_timers)
        yield GaugeMetricFamily("handoff_outbox_backlog", "Outbox messages waiting to be delivered", value=pending)
        yield GaugeMetricFamily("handoff_outbox_failed", "Outbox messages given up after every retry",
                                value=given_up)

    def _redis(self) -> Iterator[Metric]:
        connection, config = self.services.redis, self.services.config
        buckets, total = read_lateness(connection, config.queue_prefix)
        yield HistogramMetricFamily("handoff_timer_lateness_seconds", "Fire time minus due time of BPMN timers",
                                    buckets=buckets, sum_value=total)
        failures = CounterMetricFamily("handoff_job_failures", "Background jobs that failed, by job and reason: "
                                       "raised (exception, timeout, abandoned by a dead worker), or returned a "
                                       "failure (incident, conflict, delivery_retry, delivery_failed)",
                                       labels=["job", "reason"])
        for (job, reason), n in sorted(read_failures(connection, config.queue_prefix).items()):
            failures.add_metric([job, reason], n)
        yield failures
        yield from self._rq(connection, [config.timer_queue, config.outbox_queue])
        sweepers = heartbeat.alive(connection, config.queue_prefix, heartbeat.SWEEPER)
        yield GaugeMetricFamily("handoff_sweepers", "Sweeper processes with a live heartbeat", value=len(sweepers))

    def _rq(self, connection, queue_names: list[str]) -> Iterator[Metric]:
        queued = GaugeMetricFamily("handoff_rq_queued_jobs", "Jobs waiting in an RQ queue", labels=["queue"])
        failed = GaugeMetricFamily("handoff_rq_failed_jobs", "Jobs in RQ's failed-job registry",
                                   labels=["queue"])
        workers = set()
        for name in queue_names:
            queue = Queue(name, connection=connection)
            queued.add_metric([name], queue.count)
            failed.add_metric([name], FailedJobRegistry(queue=queue).get_job_count(cleanup=False))
            workers.update(w.name for w in Worker.all(queue=queue))
        yield queued
        yield failed
        yield GaugeMetricFamily("handoff_rq_workers", "Live RQ workers listening on Handoff's queues",
                                value=len(workers))
