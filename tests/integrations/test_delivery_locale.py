"""E-mail, webhook and in-app deliveries speak their receiver's language; notify/escalate carry `strength`."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from rq import SimpleWorker
from sqlalchemy import select

from service.jobs.dispatcher import TimerDispatcher
from service.store.models import Outbox, User
from tests.support import inbox, run_jobs

from .conftest import CHAT_SECRET, REP_ADDRESS

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
REMINDER = "The won opportunity ACME Education has not been described for 24 hours"
ZH_REMINDER = "赢单商机 ACME Education 已 24 小时未填写"


@pytest.fixture
def notify_settings(chat) -> dict:
    return {"users": {"rep": {"channels": ["inapp", "email"], "email": REP_ADDRESS}},
            "groups": {"sales-managers": {"channels": ["inapp", "webhook"], "locale": "zh-CN",
                                          "webhook": {"url": chat.url, "secret": CHAT_SECRET}}}}


def _speaks(services, username: str, locale: str | None) -> None:
    with services.sessions() as session:
        session.scalars(select(User).where(User.username == username)).one().locale = locale
        session.commit()


def _remind(services, library, translated: bool = True) -> None:
    """The won opportunity's 24-hour reminder to the rep and the manager, with the diagram's Chinese subject
    (bpmn/project_lifecycle.zh-CN.json), or as a diagram without that translation would send it."""
    with freeze_time(T0) as clock:
        library.won_project()
        clock.move_to(T0 + timedelta(hours=24, seconds=1))
        _ring_without_delivering(services)
        with services.sessions() as session:
            for row in session.scalars(select(Outbox).where(Outbox.topic.in_(("notify", "escalate")))):
                assert row.payload["subjects"] == {"zh-CN": ZH_REMINDER}
                if not translated:
                    row.payload = {k: v for k, v in row.payload.items() if k != "subjects"}
            session.commit()
        run_jobs(services)


def _ring_without_delivering(services) -> None:
    """Rings the timer; the deliveries stay queued (the outbox queue is worked by the next run_jobs)."""
    config = services.config
    TimerDispatcher(services.redis, [config.timer_queue, config.outbox_queue]).dispatch_due(time.time())
    SimpleWorker([config.timer_queue], connection=services.redis).work(burst=True, with_scheduler=False)


def test_a_chinese_reader_gets_the_mail_in_chinese_and_an_english_one_in_english(services, library, smtp, chat):
    _speaks(services, "rep", "zh-CN")
    _remind(services, library)
    [mail] = smtp.messages
    assert mail["Subject"] == ZH_REMINDER and mail["Content-Language"] == "zh-CN"
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert "在 Handoff 中打开：https://handoff.acme.test/tasks/" in text and "Open it in Handoff" not in text
    assert "阶段: 商机" in text and "Opportunity" not in text  # the stage fact: the diagram's label, the board's word
    assert ">在 Handoff 中打开</a>" in html and '<html lang="zh-CN">' in html
    assert [m.subject for m in inbox(services, library.people["rep"])] == [ZH_REMINDER]
    assert [m.subject for m in inbox(services, library.people["sales_mgr"])] == [REMINDER]  # no language chosen
    [post] = chat.requests  # the managers' group hook is configured zh-CN
    assert (post.json["subject"], post.json["locale"]) == (ZH_REMINDER, "zh-CN")


def test_without_a_translation_the_english_subject_is_kept(services, library, smtp):
    _speaks(services, "rep", "zh-CN")
    _remind(services, library, translated=False)
    [mail] = smtp.messages
    assert mail["Subject"] == REMINDER and "在 Handoff 中打开：" in mail.get_body(("plain",)).get_content()


def test_a_notify_is_normal_and_names_nobody_to_mention(services, library):
    _remind(services, library, translated=False)
    with services.sessions() as session:
        rows = list(session.scalars(select(Outbox).where(Outbox.topic.in_(("notify", "escalate")))))
    assert rows and {r.payload["strength"] for r in rows} == {"normal"}  # the reminder is a notify
    assert all("mentions" not in r.payload and "strength" not in r.payload["body"] for r in rows)
