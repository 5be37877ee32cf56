"""The RQ worker `handoff worker` runs: RQ's SimpleWorker, plus the job id on every log line and failures counted.

A job that raises (or times out, or is abandoned by a worker that died) is kept by
RQ in its failed-job registry, which forgets after a while and shrinks when jobs are
requeued; Prometheus needs a counter that only grows, kept in Redis because the
failures happen here and the scrape happens in a web process.
"""

from __future__ import annotations

from rq import SimpleWorker
from rq.exceptions import AbandonedJobError
from rq.timeouts import JobTimeoutException

from service.logging_setup import scope
from service.ops.shared_metrics import count_failure


def job_name(func_name: str | None) -> str:
    return (func_name or "unknown").rsplit(".", 1)[-1]


def failure_reason(exc_type) -> str:
    if exc_type is not None and issubclass(exc_type, JobTimeoutException):
        return "timeout"
    if exc_type is not None and issubclass(exc_type, AbandonedJobError):
        return "abandoned"
    return "exception"


def failure_counter(metrics_prefix: str):
    """An RQ exception handler that counts the failure and lets RQ go on handling it."""

    def count(job, exc_type, _exc_value, _traceback) -> bool:
        try:
            name = job.func_name
        except Exception:  # noqa: BLE001 - a job that cannot even be deserialized still counts
            name = None
        count_failure(job.connection, metrics_prefix, job_name(name), failure_reason(exc_type))
        return True

    return count


class HandoffWorker(SimpleWorker):
    """Runs jobs in-process (parsed specs stay cached) inside a log scope that names the job."""

    def __init__(self, *args, metrics_prefix: str, **kwargs):
        super().__init__(*args, exception_handlers=[failure_counter(metrics_prefix)], **kwargs)

    def perform_job(self, job, *args, **kwargs):
        with scope(job_id=job.id):
            return super().perform_job(job, *args, **kwargs)


def make_worker(services) -> HandoffWorker:
    config = services.config
    return HandoffWorker([config.timer_queue, config.outbox_queue], connection=services.redis,
                         metrics_prefix=config.queue_prefix)
