"""The RQ worker `handoff worker` runs: RQ's SimpleWorker, plus the job id on every log line and failures counted.

A job that raises (or times out, or is abandoned by a worker that died) is kept by
RQ in its failed-job registry, which forgets after a while and shrinks when jobs are
requeued; Prometheus needs a counter that only grows, kept in Redis because the
failures happen here and the scrape happens in a web process.

Outages: RQ's own loop retries a lost Redis only around its blocking dequeue; anywhere
else (the heartbeat after a job, the suspension check, recording a job's result) a
`ConnectionError` makes `Worker.work` log "quitting" and return, and a Redis that came
back empty has forgotten the worker's registration anyway. So `run_worker` waits until
Redis and the database answer, then runs a fresh worker (a new name, registered again,
its RQ scheduler started again), and does so again whenever one ends for any reason but
a stop request: the process never exits on an outage and logs each outage once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable

from rq import SimpleWorker
from rq.exceptions import AbandonedJobError
from rq.timeouts import JobTimeoutException

from service.logging_setup import scope
from service.ops.shared_metrics import count_failure

from .resilience import REDIS_ERRORS, Outage, is_outage, wait_until_reachable

log = logging.getLogger(__name__)
SCHEDULER_STOP_ATTEMPTS = 10  # one SIGTERM a second; RQ's scheduler checks for a stop once a second


class RedisLost(Exception):
    """Raised out of RQ's dequeue loop (which would retry and log every second) to our own loop."""


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

    def __init__(self, *args, metrics_prefix: str, stop: threading.Event | None = None, **kwargs):
        super().__init__(*args, exception_handlers=[failure_counter(metrics_prefix)], **kwargs)
        self.stop = stop or threading.Event()

    def perform_job(self, job, *args, **kwargs):
        with scope(job_id=job.id):
            return super().perform_job(job, *args, **kwargs)

    def heartbeat(self, *args, **kwargs):
        """The first Redis command of every dequeue round: a lost Redis leaves RQ's loop here."""
        try:
            return super().heartbeat(*args, **kwargs)
        except REDIS_ERRORS as error:
            raise RedisLost(str(error)) from error

    def request_stop(self, signum=None, frame=None):
        self.stop.set()  # tells `run_worker` this end was asked for
        return super().request_stop(signum, frame)

    def _install_signal_handlers(self):
        super()._install_signal_handlers()
        if self.stop.is_set():  # SIGTERM arrived while this worker was being set up
            self._stop_requested = True

    def stop_scheduler(self):
        """RQ sends its scheduler child one SIGTERM and joins it for ever; one that arrives while the child is
        still being forked (before it installs its own handlers) is lost and the worker never exits. So the
        stop is repeated until the child is gone, and a child still there after a while is killed."""
        process = self.scheduler._process
        if not process or not process.pid:
            return
        for _ in range(SCHEDULER_STOP_ATTEMPTS):
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGTERM)
            process.join(timeout=1)
            if not process.is_alive():
                return
        log.warning("RQ's scheduler (PID %s) did not stop; killed", process.pid)
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=5)

    def teardown(self):
        """RQ's teardown talks to Redis; without Redis, at least stop the pub/sub thread (it would retry forever)."""
        try:
            super().teardown()
        except REDIS_ERRORS:
            if self.pubsub_thread:
                self.pubsub_thread.stop()
                self.pubsub_thread.join(timeout=3)
            with contextlib.suppress(Exception):
                self.pubsub.close()


def make_worker(services, stop: threading.Event | None = None) -> HandoffWorker:
    config = services.config
    return HandoffWorker([config.timer_queue, config.outbox_queue], connection=services.redis,
                         metrics_prefix=config.queue_prefix, stop=stop)


class _OutageWithoutTraceback(logging.Filter):
    """RQ logs "found an unhandled exception, quitting..." with a traceback; for an outage one line says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and (isinstance(error, RedisLost) or is_outage(error)):
            record.exc_info, record.exc_text = None, None
        return True


def run_worker(services, prepare: Callable[[], None] = lambda: None, logging_level: int = logging.INFO) -> None:
    """`handoff worker`: wait for Redis and the database, work, and start again after any outage, until stopped."""
    logging.getLogger("rq.worker").addFilter(_OutageWithoutTraceback())
    stop = threading.Event()
    outage = Outage(log, "Redis or the database")
    prepared, previous = False, None
    while _stop_on_signals(stop) and wait_until_reachable(services, stop, outage):
        if previous is not None:  # Redis is back: a registration it kept must not count as a live worker
            with contextlib.suppress(Exception):
                previous.register_death()
        try:
            if not prepared:
                prepare()
                prepared = True
            previous = make_worker(services, stop)
            previous.work(with_scheduler=True, logging_level=logging_level)
        except Exception as error:  # a stop request may surface as RQ's StopRequested from anywhere
            if not stop.is_set() and not is_outage(error) and not isinstance(error, RedisLost):
                raise
        if stop.is_set():
            return
        outage.failed(RedisLost("RQ's worker loop ended"))


def _stop_on_signals(stop: threading.Event) -> bool:
    """Between two workers' lives SIGTERM/SIGINT only set `stop` (RQ's handlers would talk to a lost Redis)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return not stop.is_set()
