"""Counters and a histogram that worker processes write and any web process reads, kept in Redis.

Timer lateness and job failures happen in RQ workers, often on other machines than
the web processes Prometheus scrapes, so in-process `prometheus_client` metrics (or
its multiprocess mode, which shares a local folder) cannot see them. Each
observation is a few HINCRBY on one hash per metric, in one MULTI round trip; a
scrape reads each hash with one HGETALL. Losing Redis resets the counters, which
Prometheus treats as an ordinary counter reset.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable

import redis

log = logging.getLogger(__name__)

# Seconds. Timers normally ring within tens of milliseconds; minutes and hours mean no worker was running.
LATENESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


def metric_key(prefix: str, name: str) -> str:
    return f"{prefix}:metrics:{name}"


def observe_lateness(connection: redis.Redis, prefix: str, seconds: Iterable[float]) -> None:
    """Adds timer lateness observations; a Redis failure is logged, never the job's failure."""
    key = metric_key(prefix, "timer_lateness")
    try:
        with connection.pipeline(transaction=True) as pipe:
            for value in seconds:
                value = max(0.0, float(value))
                pipe.hincrby(key, f"b{bisect_left(LATENESS_BUCKETS, value)}", 1)  # first bucket with le >= value
                pipe.hincrby(key, "count", 1)
                pipe.hincrbyfloat(key, "sum", value)
            pipe.execute()
    except redis.RedisError:
        log.warning("could not record timer lateness in Redis", exc_info=True)


def read_lateness(connection: redis.Redis, prefix: str) -> tuple[list[tuple[str, int]], float]:
    """Cumulative ``(le, count)`` buckets ending with ``+Inf``, and the sum of all observations."""
    raw = {k.decode(): v.decode() for k, v in connection.hgetall(metric_key(prefix, "timer_lateness")).items()}
    buckets, running = [], 0
    for index, bound in enumerate((*LATENESS_BUCKETS, float("inf"))):
        running += int(raw.get(f"b{index}", 0))
        buckets.append(("+Inf" if bound == float("inf") else repr(bound), running))
    return buckets, float(raw.get("sum", 0.0))


# Every (job, reason) a failure can have, reported as 0 until it happens (so rate() works from the first one).
KNOWN_FAILURES = tuple(
    [("fire_timers", r) for r in ("exception", "timeout", "abandoned", "incident", "conflict")]
    + [("deliver_outbox", r) for r in ("exception", "timeout", "abandoned", "delivery_retry", "delivery_failed")]
)


def count_failure(connection: redis.Redis, prefix: str, job: str, reason: str) -> None:
    try:
        connection.hincrby(metric_key(prefix, "job_failures"), f"{job}|{reason}", 1)
    except redis.RedisError:
        log.warning("could not count a job failure in Redis", exc_info=True)


def read_failures(connection: redis.Redis, prefix: str) -> dict[tuple[str, str], int]:
    raw = connection.hgetall(metric_key(prefix, "job_failures"))
    counts = dict.fromkeys(KNOWN_FAILURES, 0)
    counts.update({tuple(k.decode().split("|", 1)): int(v) for k, v in raw.items()})
    return counts
