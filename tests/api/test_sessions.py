"""Sessions that end: logging out or a new password ends a person's page sessions and API tokens at once,
in every process, although each process keeps its own copies of people.

Two apps on the same database and Redis stand for two gunicorn workers (as in test_people_changes).
An attacker's view: a session cookie or a token copied before logout must open nothing after it.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import event

from service import runtime
from service.app import create_app
from service.config import Config
from tests.api.conftest import PASSWORD

RITA = {"username": "rep", "display_name": "Rita Patel (Sales)", "manager": "sales_mgr",
        "groups": ["sales", "technical-sales"]}


@pytest.fixture
def other_worker(api, services):
    """A second web process: its own engine, sessions and copies of people; the same database and Redis."""
    built = runtime.build(services.config, services.redis)
    client = create_app(services.config, built).test_client()
    client.services = built
    yield client
    built.db_engine.dispose()


def _csrf(client, path: str = "/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _page_login(client, username: str = "rep", password: str = PASSWORD) -> str:
    """Logs in on the page; answers the session cookie's value (what an attacker would copy)."""
    response = client.post("/login", data={"csrf": _csrf(client), "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get_cookie("session").value


def _page_token(client) -> str:
    """The API token a page hands its JavaScript."""
    return re.search(r'name="api-token" content="([^"]+)"', client.get("/tasks").get_data(as_text=True)).group(1)


def _copied_into(client, cookie: str):
    client.set_cookie("session", cookie)
    return client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _opens_tasks(client) -> bool:
    response = client.get("/tasks")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_page_logout_ends_a_copied_cookie_and_the_pages_token_in_another_process(api, other_worker):
    browser = api.client.application.test_client()
    cookie = _page_login(browser)
    page_token = _page_token(browser)
    api_token = api.login("rep")  # a token from the API, made before the logout
    copy = _copied_into(other_worker, cookie)
    assert _opens_tasks(copy)
    assert copy.get("/api/v1/me", headers=_bearer(page_token)).status_code == 200
    assert copy.get("/api/v1/me", headers=api_token).status_code == 200

    assert browser.post("/logout", data={"csrf": _csrf(browser, "/tasks")}).status_code == 302

    assert not _opens_tasks(copy)
    assert copy.get("/tasks").location.startswith("/login")
    assert copy.get("/api/v1/me", headers=_bearer(page_token)).status_code == 401
    assert copy.get("/api/v1/me", headers=api_token).status_code == 401
    assert not _opens_tasks(_copied_into(api.client.application.test_client(), cookie))  # nor in the first
    assert other_worker.get("/api/v1/me", headers=api.login("legal")).status_code == 200  # others keep theirs


def test_an_api_logout_ends_every_token_and_page_session_of_the_caller_in_every_process(api, other_worker):
    token = api.login("rep")
    cookie = _page_login(other_worker)
    assert other_worker.get("/api/v1/me", headers=token).status_code == 200

    logout = api.client.post("/api/v1/auth/logout", headers=token)
    assert logout.status_code == 204

    assert other_worker.get("/api/v1/me", headers=token).status_code == 401
    assert not _opens_tasks(_copied_into(other_worker, cookie))
    assert api.client.post("/api/v1/auth/logout", headers=token).status_code == 401  # already ended
    again = api.client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD})
    assert other_worker.get("/api/v1/me", headers=_bearer(again.json["token"])).json["username"] == "rep"


def test_a_new_password_ends_sessions_and_tokens_in_every_process(api, other_worker):
    token = api.login("rep")
    cookie = _page_login(other_worker)
    changed = api.client.post("/api/v1/people", headers=api.login("admin"),
                              json={**RITA, "password": "a brand new password"})
    assert changed.status_code == 201

    assert other_worker.get("/api/v1/me", headers=token).status_code == 401
    assert not _opens_tasks(_copied_into(other_worker, cookie))
    fresh = other_worker.application.test_client()
    _page_login(fresh, password="a brand new password")
    assert _opens_tasks(fresh)


def test_checking_a_tokens_epoch_reads_no_user_row_once_the_person_is_cached(api, other_worker):
    token = api.login("rep")
    assert other_worker.get("/api/v1/me", headers=token).status_code == 200  # copies made here
    statements = []
    event.listen(other_worker.services.db_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    assert other_worker.get("/api/v1/me", headers=token).status_code == 200
    assert statements and not [s for s in statements if 'FROM "user"' in s]  # /me reads the groups, no more


def test_a_token_from_before_token_epochs_still_works_until_the_first_logout(api, services):
    """Service-account tokens made before the upgrade carry no epoch: they are not all ended by it."""
    from itsdangerous import URLSafeTimedSerializer

    from service.api.auth import SALT, _password_version
    from service.store.models import User

    with services.sessions() as session:
        rep = session.get(User, api.people["rep"])
        claims = {"uid": rep.id, "pwv": _password_version(rep)}
    old = URLSafeTimedSerializer(services.config.signing_key(), salt=SALT).dumps(claims)
    assert api.client.get("/api/v1/me", headers=_bearer(old)).status_code == 200
    assert api.client.post("/api/v1/auth/logout", headers=_bearer(old)).status_code == 204
    assert api.client.get("/api/v1/me", headers=_bearer(old)).status_code == 401


def _app(services, **changes):
    """The same service (database, Redis) with other settings."""
    config = dataclasses.replace(services.config, **changes)
    return create_app(config, dataclasses.replace(services, config=config)).test_client()


def test_cookies_are_secure_on_https_or_when_configured_and_hsts_is_sent_when_set(api, services):
    def session_cookie(client) -> str:
        response = client.post("/login", data={"csrf": _csrf(client), "username": "rep", "password": PASSWORD})
        [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
        return cookie

    plain = _app(services)
    assert "Secure" not in session_cookie(plain)
    assert "Strict-Transport-Security" not in plain.get("/login").headers
    assert "Secure" in session_cookie(_app(services, base_url="https://handoff.example.com"))
    assert "Secure" not in session_cookie(_app(services, base_url="https://handoff.example.com",
                                               cookie_secure=False))
    assert "Secure" in session_cookie(_app(services, cookie_secure=True))
    hsts = _app(services, hsts_max_age_s=31536000)
    assert hsts.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert hsts.get("/api/v1/me").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_settings_read_from_the_environment(tmp_path):
    base = {"HANDOFF_DATA_DIR": str(tmp_path)}
    assert Config.from_env(base).secure_cookies is False
    assert Config.from_env({**base, "HANDOFF_BASE_URL": "https://h.example"}).secure_cookies is True
    assert Config.from_env({**base, "HANDOFF_BASE_URL": "https://h.example",
                            "HANDOFF_COOKIE_SECURE": "off"}).secure_cookies is False
    assert Config.from_env({**base, "HANDOFF_COOKIE_SECURE": "on"}).secure_cookies is True
    assert Config.from_env(base).hsts_max_age_s == 0
    assert Config.from_env({**base, "HANDOFF_HSTS": "63072000"}).hsts_max_age_s == 63072000
    assert Config.from_env({**base, "HANDOFF_PROXY_HOPS": "1"}).proxy_hops == 1
    assert Config.from_env({**base, "HANDOFF_LOGIN_LIMIT_PER_USER": "5/minute;50/day"}).login_limit_per_user \
        == "5/minute;50/day"
    with pytest.raises(ValueError, match="HANDOFF_LOGIN_LIMIT_PER_ADDRESS"):
        Config.from_env({**base, "HANDOFF_LOGIN_LIMIT_PER_ADDRESS": "lots"})
    for name, value in (("HANDOFF_COOKIE_SECURE", "maybe"), ("HANDOFF_HSTS", "-1"), ("HANDOFF_HSTS", "a year")):
        with pytest.raises(ValueError, match=name):
            Config.from_env({**base, name: value})
