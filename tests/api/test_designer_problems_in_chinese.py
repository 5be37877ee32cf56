"""A process designer who reads Chinese gets a Camunda Modeler diagram's problems in Chinese (issue 12).

The same deploy answers with the same problems, at the same file, line and element, in the request's
language: Chinese with ``Accept-Language: zh-CN``, the English ``str(problem)`` lines without it (what the
CLI prints). The hint of what to draw instead is translated with the problem.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from service.app import create_app
from service.demo import seed_people
from service.engine.validate import validate_files
from tests.modeler import FORM, FORM_KEY, timer_process, user_task_process

PASSWORD = "s3cret-enough"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACE = re.compile(r"^(?P<place>[^:]+:\d+: [^:]+): (?P<message>.*)$")


def broken_files() -> dict[str, str]:
    """What a designer brings from Camunda Modeler: an embedded HTML form, candidate users, a listener,
    a Java delegate on a send task, a timer written as words, a gateway flow without a condition."""
    approve = user_task_process("h12_approve", {"candidateUsers": "rita"}, lane="").replace(
        f'camunda:formKey="{FORM_KEY}"', 'camunda:formKey="embedded:app:forms/approve.html"').replace(
        '<bpmn:incoming>Flow_0aaa001</bpmn:incoming>',
        '<bpmn:extensionElements><camunda:taskListener class="com.acme.Notify" event="create"/>'
        '</bpmn:extensionElements>\n      <bpmn:incoming>Flow_0aaa001</bpmn:incoming>', 1)
    wait = timer_process("h12_wait", "timeDuration", "PT24Hours")
    return {"bpmn/h12_approve.bpmn": approve, "bpmn/h12_wait.bpmn": wait, f"forms/{FORM_KEY}": FORM}


@pytest.fixture
def http(services):
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    client = create_app(services.config, services).test_client()
    token = client.post("/api/v1/auth/token", json={"username": "designer", "password": PASSWORD}).json["token"]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def deploy(http, files: dict[str, str], headers: dict[str, str] | None = None):
    body = {path: (io.BytesIO(text.encode()), Path(path).name) for path, text in files.items()}
    return http.post("/api/v1/processes/deploy", data=body, headers=headers or {},
                     content_type="multipart/form-data")


def split(lines: list[str]) -> list[tuple[str, str]]:
    return [(PLACE.match(line)["place"], PLACE.match(line)["message"]) for line in lines]


def test_a_broken_camunda_diagram_deploys_nothing_and_says_why_in_chinese_at_the_same_places(http):
    files = broken_files()
    english_lines = [str(problem) for problem in validate_files(
        {path: text for path, text in files.items() if path.startswith("bpmn/")}, {FORM_KEY: FORM})]

    chinese = deploy(http, files, ZH)
    assert chinese.status_code == 422, chinese.json
    assert chinese.json["code"] == "invalid_process"
    assert HAN.search(chinese.json["message"]), chinese.json["message"]
    chinese_lines = chinese.json["errors"]["problems"]

    english = deploy(http, files)
    assert english.status_code == 422
    assert english.json["errors"]["problems"] == english_lines  # exactly what `handoff bpmn validate` prints
    assert not any(HAN.search(line) for line in english_lines)

    assert [place for place, _ in split(chinese_lines)] == [place for place, _ in split(english_lines)]
    by_place = dict(split(chinese_lines))
    untranslated = [line for line in chinese_lines if not HAN.search(PLACE.match(line)["message"])]
    assert not untranslated, untranslated

    form = by_place["bpmn/h12_approve.bpmn:" + _line(files["bpmn/h12_approve.bpmn"], "<bpmn:userTask")
                    + ": Activity_0task01"]
    assert form is not None
    messages = " | ".join(message for _, message in split(chinese_lines))
    assert "是 Camunda 网页表单，Handoff 无法渲染；请在 forms/ 下用 JSON Schema 编写表单" in messages
    assert "不会读取 camunda:candidateUsers；请把任务分配给候选组" in messages
    assert "Handoff 不会执行 camunda:taskListener（事件 create）" in messages
    assert "定时器时长 PT24Hours 不是 ISO 8601 格式" in messages
    assert "泳道 Lane_0l1m2n3 没有名称（泳道名称就是候选组）" in messages


def test_a_designer_whose_profile_says_chinese_reads_the_problems_without_the_header(http):
    assert http.patch("/api/v1/me", json={"locale": "zh-CN"}).status_code == 200
    answer = deploy(http, broken_files())
    assert answer.status_code == 422
    assert all(HAN.search(PLACE.match(line)["message"]) for line in answer.json["errors"]["problems"])
    english = deploy(http, broken_files(), {"Accept-Language": "en"})
    assert not any(HAN.search(line) for line in english.json["errors"]["problems"])


def _line(text: str, needle: str) -> str:
    return str(text[:text.index(needle)].count("\n") + 1)
