"""Each person reads Handoff in their language: their profile's, else their browser's, switchable in the header."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.app import create_app
from service.store.models import User
from tests.web.conftest import PASSWORD

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


@pytest.fixture
def app(services, library):
    return create_app(services.config, services)


def csrf_of(client, path="/login", headers=None) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path, headers=headers).get_data(as_text=True)).group(1)


def locale_of(services, username):
    with services.sessions() as session:
        return session.scalar(select(User.locale).where(User.username == username))


def test_a_chinese_browser_gets_the_login_page_in_chinese_and_keeps_it_as_the_persons_language(app, services):
    client = app.test_client()
    page = client.get("/login", headers=ZH).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "用户名" in page and "User name" not in page
    assert locale_of(services, "rep") is None
    response = client.post("/login", headers=ZH, data={"csrf": csrf_of(client, headers=ZH), "username": "rep",
                                                       "password": PASSWORD})
    assert response.status_code == 302
    assert locale_of(services, "rep") == "zh-CN"  # e-mails and chat now reach Rita in Chinese too
    tasks = client.get("/tasks").get_data(as_text=True)  # no Accept-Language now: the profile decides
    assert ">我的任务</a>" in tasks and ">My tasks</a>" not in tasks


def test_an_english_browser_and_a_wrong_password_read_english(app):
    client = app.test_client()
    refused = client.post("/login", headers={"Accept-Language": "en-GB"},
                          data={"csrf": csrf_of(client), "username": "rep", "password": "wrong"})
    assert refused.status_code == 401 and "Wrong user name or password." in refused.get_data(as_text=True)
    refused = client.post("/login", headers=ZH, data={"csrf": csrf_of(client), "username": "rep", "password": "x"})
    assert "用户名或密码错误。" in refused.get_data(as_text=True)


def test_the_header_switch_changes_the_persons_language_for_good(app, services):
    client = app.test_client()
    client.post("/login", data={"csrf": csrf_of(client), "username": "legal", "password": PASSWORD})
    assert locale_of(services, "legal") == "en"
    page = client.get("/tasks").get_data(as_text=True)
    assert 'value="zh-CN"' in page and "简体中文" in page
    response = client.post("/language", data={"csrf": csrf_of(client, "/tasks"), "lang": "zh-CN", "next": "/tasks"})
    assert response.status_code == 302 and response.location == "/tasks"
    assert locale_of(services, "legal") == "zh-CN"
    assert "我的任务" in client.get("/tasks", headers={"Accept-Language": "en"}).get_data(as_text=True)
    refused = client.post("/language", data={"csrf": "forged", "lang": "en"})
    assert refused.status_code == 400 and locale_of(services, "legal") == "zh-CN"


def test_a_person_sets_their_own_language_through_the_api_and_admins_set_anyones(app, services):
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    mine = client.patch("/api/v1/me", json={"locale": "zh-CN"}, headers=auth)
    assert mine.status_code == 200 and mine.get_json()["locale"] == "zh-CN"
    assert client.patch("/api/v1/me", json={"locale": "fr"}, headers=auth).status_code == 422
    assert locale_of(services, "rep") == "zh-CN"
    admin = client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}).get_json()["token"]
    people = client.get("/api/v1/people", headers={"Authorization": f"Bearer {admin}"}).get_json()
    rita = next(p for p in people if p["username"] == "rep")
    assert rita["locale"] == "zh-CN"
    saved = client.post("/api/v1/people", headers={"Authorization": f"Bearer {admin}"}, json={
        "username": "rep", "display_name": rita["display_name"], "email": rita["email"], "groups": rita["groups"],
        "manager": rita["manager"], "mobile": "+86 138 0013 8000", "chat_ids": {"wecom": "RitaPatel"}})
    assert saved.status_code == 201, saved.get_json()
    body = saved.get_json()
    assert body["locale"] == "zh-CN"  # not sent: kept
    assert body["mobile"] == "+86 138 0013 8000" and body["chat_ids"] == {"wecom": "RitaPatel"}
    bad = client.post("/api/v1/people", headers={"Authorization": f"Bearer {admin}"}, json={
        "username": "rep", "display_name": "R", "chat_ids": {"icq": "1"}, "mobile": "call me"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) >= {"chat_ids", "mobile"}
