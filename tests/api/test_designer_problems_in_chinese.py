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

    task_line = _line(files["bpmn/h12_approve.bpmn"], "<bpmn:userTask")
    assert f"bpmn/h12_approve.bpmn:{task_line}: Activity_0task01" in by_place  # the line of the task itself
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


def test_a_deploy_s_warnings_about_untranslated_words_read_in_chinese(http):
    files = {"bpmn/h12_fine.bpmn": user_task_process("h12_fine"), f"forms/{FORM_KEY}": FORM}
    answer = deploy(http, files, ZH)
    assert answer.status_code == 201, answer.json
    [deployed] = answer.json
    assert deployed["warnings"], deployed
    assert any(line.startswith("bpmn/h12_fine.bpmn:1: -: 没有 zh-CN 翻译（请添加 bpmn/h12_fine.zh-CN.json）")
               for line in deployed["warnings"]), deployed["warnings"]
    again = deploy(http, {**files, "bpmn/h12_fine.bpmn": user_task_process("h12_fine").replace("Do it", "Do it now")})
    assert again.status_code == 201
    assert any("no zh-CN translation (add bpmn/h12_fine.zh-CN.json)" in line for line in again.json[0]["warnings"])


def test_a_refused_script_and_an_unsupported_gateway_say_why_in_chinese(http):
    diagram = user_task_process("h12_script").replace(
        '<bpmn:sequenceFlow id="Flow_0aaa002" sourceRef="Activity_0task01" targetRef="Event_0end001"/>',
        '<bpmn:sequenceFlow id="Flow_0aaa002" sourceRef="Activity_0task01" targetRef="Event_0end001">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">open("x") == 1</bpmn:conditionExpression>'
        '</bpmn:sequenceFlow>\n    <bpmn:complexGateway id="Gateway_0cx0001"/>')
    answer = deploy(http, {"bpmn/h12_script.bpmn": diagram, f"forms/{FORM_KEY}": FORM}, ZH)
    assert answer.status_code == 422, answer.json
    lines = answer.json["errors"]["problems"]
    assert any(": Flow_0aaa002: 条件 'open(\"x\") == 1'：表达式中不能使用 open()" in line for line in lines), lines
    unsupported = ("Gateway_0cx0001: 不支持的元素类型 bpmn:complexGateway；"
                   "请改用包容网关（在其传出顺序流上设置条件）或排他网关")
    assert any(line.endswith(unsupported) for line in lines), lines


def _line(text: str, needle: str) -> str:
    return str(text[:text.index(needle)].count("\n") + 1)
