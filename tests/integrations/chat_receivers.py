"""Team-chat receivers on loopback (werkzeug in a thread) that answer as the real ones document.

`ChatReceiver` records every request and answers from a script first (`answer_next(Answer(429, …))`:
a rate limit, an error code), else from its `judge`: a function that checks the request the way the
receiver does and returns the receiver's own refusal (or None to take it, answering `ok`). The judges
here check the documented shape of each receiver (`feishu_judge(secret)` also recomputes the sign) and
note what they found wrong in `Received.problems`, so a test can assert on both the answer and the why.

Usable by any chat test (adapters, the channel): `with ChatReceiver(slack_judge, SLACK_OK) as hook: ...`,
or the pytest fixtures `feishu_receiver` (signing secret `FEISHU_SECRET`), `slack_receiver` and
`teams_receiver`, which a test module (or a conftest) makes available by importing them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.chat.model import ChatMessage


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes | str | dict = b"ok"
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        body = self.body
        if isinstance(body, dict):
            return Response(json.dumps(body), self.status, self.headers, content_type="application/json")
        return Response(body, self.status, self.headers, content_type="text/plain; charset=utf-8")


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    problems: list[str] = field(default_factory=list)

    @property
    def json(self) -> dict:
        return json.loads(self.body)


Judge = Callable[[Received], "Answer | None"]


class ChatReceiver:
    """POSTs to `url` (http://127.0.0.1:<free port>/hook/<token>), answered as described above."""

    def __init__(self, judge: Judge | None = None, ok: Answer | None = None):
        self.judge, self.ok = judge, ok or Answer()
        self.requests: list[Received] = []
        self.script: list[Answer] = []
        self.arrived = threading.Event()
        self._gate: threading.Event | None = None
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="chat-receiver", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hook/t0ken"

    @property
    def last(self) -> Received:
        return self.requests[-1]

    def answer_next(self, *answers: Answer) -> None:
        with self._lock:
            self.script.extend(answers)

    def hold(self) -> None:
        """The next requests wait inside the receiver until `release()`: a send in flight."""
        self._gate = threading.Event()

    def release(self) -> None:
        if self._gate is not None:
            self._gate.set()

    def start(self) -> ChatReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> ChatReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @Request.application
    def _app(self, request: Request) -> Response:
        got = Received(request.path, {k.lower(): v for k, v in request.headers.items()}, request.get_data())
        with self._lock:
            self.requests.append(got)
            scripted = self.script.pop(0) if self.script else None
        self.arrived.set()
        if self._gate is not None:
            self._gate.wait(timeout=30)
        if request.method != "POST":
            return Answer(405, "method not allowed").response()
        answer = self.judge(got) if self.judge else None
        return (scripted or answer or self.ok).response()


def _json_or_problem(got: Received) -> dict | None:
    if "application/json" not in got.headers.get("content-type", ""):
        got.problems.append("content-type is not application/json")
    try:
        value = json.loads(got.body)
    except ValueError:
        got.problems.append("body is not JSON")
        return None
    if not isinstance(value, dict):
        got.problems.append("body is not a JSON object")
        return None
    return value


# Feishu custom bot ------------------------------------------------------------------------------------------

FEISHU_OK = Answer(200, {"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"})
FEISHU_BAD_REQUEST = Answer(400, {"code": 9499, "msg": "Bad Request", "data": {}})
FEISHU_SIGN_MISMATCH = Answer(400, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour "
                                                          "from current time", "data": {}})
FEISHU_TAGS = {"text": {"text"}, "a": {"text", "href"}, "at": {"user_id"}}


def feishu_sign(timestamp: str, secret: str) -> str:
    """The receiver's own computation (from Feishu's sample code), independent of the adapter's."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", digestmod=hashlib.sha256).digest()).decode("utf-8")


FEISHU_NO_KEYWORD = Answer(200, {"code": 19024, "msg": "Key Words Not Found"})


def feishu_judge(secret: str | None = None, keyword: str | None = None) -> Judge:
    def judge(got: Received) -> Answer | None:
        payload = _json_or_problem(got)
        if payload is None:
            return FEISHU_BAD_REQUEST
        if secret is not None:
            timestamp, sign = str(payload.get("timestamp", "")), payload.get("sign")
            if not timestamp.isdigit() or not isinstance(sign, str) or \
                    not hmac.compare_digest(sign, feishu_sign(timestamp, secret)):
                got.problems.append("sign does not match timestamp + secret")
                return FEISHU_SIGN_MISMATCH
        _check_feishu_message(payload, got.problems)
        if got.problems:
            return FEISHU_BAD_REQUEST
        if keyword is not None and keyword not in json.dumps(payload.get("content") or payload.get("card"),
                                                              ensure_ascii=False):
            got.problems.append(f"keyword {keyword!r} not in the message")
            return FEISHU_NO_KEYWORD
        return None

    return judge


def _check_feishu_message(payload: dict, problems: list[str]) -> None:
    kind = payload.get("msg_type")
    if kind == "interactive":
        _check_feishu_card(payload.get("card") or {}, problems)
    elif kind == "post":
        _check_feishu_post(payload, problems)
    else:
        problems.append(f"msg_type {kind!r} is neither post nor interactive")


FEISHU_CARD_ELEMENTS = {"div", "action", "hr", "note", "markdown", "img"}


def _check_feishu_card(card: dict, problems: list[str]) -> None:
    title = (card.get("header") or {}).get("title") or {}
    if title.get("tag") != "plain_text" or not title.get("content"):
        problems.append("a card header needs a plain_text title")
    for element in card.get("elements") or [None]:
        tag = (element or {}).get("tag")
        if tag not in FEISHU_CARD_ELEMENTS:
            problems.append(f"card element {element!r} is not a known module")
        elif tag == "div" and (element.get("text") or {}).get("tag") not in ("plain_text", "lark_md"):
            problems.append("a div's text is plain_text or lark_md")
        elif tag == "action" and not all(a.get("tag") == "button" and str(a.get("url", "")).startswith("http")
                                         for a in element.get("actions", [])):
            problems.append("an action holds buttons with a url")


def feishu_card_markdown(payload: dict) -> list[str]:
    """What a card shows as lark_md (where `<at id=…>` and Markdown take effect)."""
    return [e["text"]["content"] for e in payload["card"]["elements"]
            if e["tag"] == "div" and e["text"]["tag"] == "lark_md"]


def _check_feishu_post(payload: dict, problems: list[str]) -> None:
    post = (payload.get("content") or {}).get("post")
    if not isinstance(post, dict) or not post or not set(post) <= {"zh_cn", "en_us", "ja_jp"}:
        problems.append("content.post must hold zh_cn / en_us / ja_jp bodies")
        return
    for body in post.values():
        if not isinstance(body.get("title"), str) or not isinstance(body.get("content"), list):
            problems.append("a post body needs a title and a content list of lines")
            continue
        for line in body["content"]:
            for element in line if isinstance(line, list) else [None]:
                tag = (element or {}).get("tag")
                if tag not in FEISHU_TAGS or not FEISHU_TAGS[tag] <= set(element):
                    problems.append(f"line element {element!r} is not a text / a / at tag")


def feishu_elements(payload: dict, tag: str) -> list[dict]:
    bodies = payload["content"]["post"].values()
    return [e for body in bodies for line in body["content"] for e in line if e["tag"] == tag]


# Slack incoming webhook -------------------------------------------------------------------------------------

SLACK_OK = Answer(200, "ok")
SLACK_INVALID_PAYLOAD = Answer(400, "invalid_payload")
SLACK_BLOCKS = {"header", "section", "context", "actions", "divider"}


def slack_judge(got: Received) -> Answer | None:
    payload = _json_or_problem(got)
    if payload is None:
        return SLACK_INVALID_PAYLOAD
    if not isinstance(payload.get("text"), str) or not payload["text"].strip():
        got.problems.append("no fallback text")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not blocks or len(blocks) > 50:
        got.problems.append("blocks must be a list of 1..50")
        return SLACK_INVALID_PAYLOAD
    for block in blocks:
        _check_slack_block(block, got.problems)
    return SLACK_INVALID_PAYLOAD if got.problems else None


def _check_slack_block(block: dict, problems: list[str]) -> None:
    kind = block.get("type")
    if kind not in SLACK_BLOCKS:
        problems.append(f"unknown block {kind!r}")
    elif kind == "header" and (block["text"].get("type") != "plain_text" or len(block["text"]["text"]) > 150):
        problems.append("a header takes plain_text of at most 150 characters")
    elif kind == "section" and (block.get("text", {}).get("type") not in ("plain_text", "mrkdwn")
                                or len(block["text"]["text"]) > 3000):
        problems.append("a section takes plain_text or mrkdwn of at most 3000 characters")
    elif kind == "actions":
        for element in block.get("elements", []):
            if element.get("type") != "button" or not str(element.get("url", "")).startswith("http") \
                    or element.get("text", {}).get("type") != "plain_text" or len(element["text"]["text"]) > 75:
                problems.append(f"bad button {element!r}")


SLACK_MENTION = re.compile(r"<([@!#][^>]*)>")


def slack_mentions(text: str) -> list[str]:
    """What Slack would treat as a mention, a channel or a special ping (`<@U…>`, `<!channel>`) in mrkdwn."""
    return SLACK_MENTION.findall(text)


# Teams workflow webhook -------------------------------------------------------------------------------------

TEAMS_ACCEPTED = Answer(202, b"")
TEAMS_BAD_REQUEST = Answer(400, {"error": {"code": "InvalidRequestContent",
                                           "message": "The input body for trigger 'manual' of type 'Request' "
                                                      "did not match its schema definition."}})


def teams_judge(got: Received) -> Answer | None:
    payload = _json_or_problem(got)
    if payload is None:
        return TEAMS_BAD_REQUEST
    attachments = payload.get("attachments")
    if payload.get("type") != "message" or not isinstance(attachments, list) or len(attachments) != 1:
        got.problems.append("needs type message and one attachment")
        return TEAMS_BAD_REQUEST
    attachment = attachments[0]
    card = attachment.get("content") or {}
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive" or card.get("type") != \
            "AdaptiveCard" or tuple(map(int, str(card.get("version", "0")).split("."))) < (1, 4):
        got.problems.append("attachment must be an Adaptive Card 1.4 or later")
    for element in card.get("body", []):
        if element.get("type") not in ("TextBlock", "FactSet", "Container", "ColumnSet"):
            got.problems.append(f"unexpected element {element.get('type')!r}")
    if not any(a.get("type") == "Action.OpenUrl" and str(a.get("url", "")).startswith("http")
               for a in card.get("actions", [])):
        got.problems.append("no Action.OpenUrl")
    _check_teams_mentions(card, got.problems)
    return TEAMS_BAD_REQUEST if got.problems else None


def teams_texts(card: dict) -> list[str]:
    texts = [e["text"] for e in card.get("body", []) if e.get("type") == "TextBlock"]
    facts = [f for e in card.get("body", []) if e.get("type") == "FactSet" for f in e.get("facts", [])]
    return texts + [part for fact in facts for part in (fact["title"], fact["value"])]


def _check_teams_mentions(card: dict, problems: list[str]) -> None:
    entities = (card.get("msteams") or {}).get("entities", [])
    said = {tag for text in teams_texts(card) for tag in re.findall(r"<at>.*?</at>", text)}
    for entity in entities:
        mentioned = entity.get("mentioned") or {}
        if entity.get("type") != "mention" or not mentioned.get("id") or not mentioned.get("name"):
            problems.append(f"bad mention entity {entity!r}")
        elif entity.get("text") not in said:
            problems.append(f"entity {entity.get('text')!r} is not in any TextBlock")
    if said - {entity.get("text") for entity in entities}:
        problems.append(f"<at> without an entity: {sorted(said)}")


# Sending, as the chat channel does ---------------------------------------------------------------------------

HOSTILE = ('<!channel> <!here> <@U0HOSTILE> <at user_id="all">所有人</at> <at>Everyone</at> '
           '*bold* _it_ ~gone~ [click](https://evil.test) # big & co')


def chat_message(**overrides):
    """A reminder about one project, as the channel renders it (English unless told)."""
    customer = overrides.pop("customer", "Globex")
    values = {"delivery_id": 41, "title": f"Urgent lead: {customer}",
              "facts": (("Customer", customer), ("Due", "2026-04-06 17:00")),
              "link": "https://handoff.acme.test/instances/7", "link_label": "Open in Handoff"}
    return ChatMessage(**{**values, **overrides})


@functools.cache
def _client() -> httpx.Client:
    """One client for the run: a new one per request loads the trust store each time (~0.3 s here)."""
    return httpx.Client(timeout=10)


def deliver(adapter, message, endpoint, now) -> None:
    """Posts the adapter's request with httpx and gives the real answer to its `outcome` (which may raise)."""
    built = adapter.request(message, endpoint, now)
    response = _client().request(built.method, built.url, content=built.body, headers=dict(built.headers))
    adapter.outcome(response.status_code, response.content, response.headers)


# Fixtures ----------------------------------------------------------------------------------------------------

FEISHU_SECRET = "feishu-sign-secret-0123"


@pytest.fixture
def feishu_receiver():
    """A Feishu group bot with signature checking on (secret `FEISHU_SECRET`)."""
    with ChatReceiver(feishu_judge(FEISHU_SECRET), FEISHU_OK) as receiver:
        yield receiver


@pytest.fixture
def slack_receiver():
    with ChatReceiver(slack_judge, SLACK_OK) as receiver:
        yield receiver


@pytest.fixture
def teams_receiver():
    with ChatReceiver(teams_judge, TEAMS_ACCEPTED) as receiver:
        yield receiver
