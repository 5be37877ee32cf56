"""Local stand-ins for WeCom and DingTalk (werkzeug on 127.0.0.1:<free port>, in a thread).

Each checks what the real one checks, with its own code (not the service's): the robot key,
DingTalk's signature over ``timestamp + "\\n" + secret``, WeCom app access tokens. Each records
what it got and answers from a script of JSON answers (then ``{"errcode": 0}``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

OK = {"errcode": 0, "errmsg": "ok"}


@dataclass(frozen=True)
class Got:
    path: str
    args: dict[str, str]
    body: bytes
    content_type: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class ChatReceiver:
    """/cgi-bin/webhook/send (WeCom robot), /robot/send (DingTalk), /cgi-bin/gettoken + /cgi-bin/message/send
    (WeCom app)."""

    def __init__(self, key: str = "robot-key", dingtalk_secret: str | None = None,
                 corp_id: str = "ww-corp", corp_secret: str = "app-secret"):
        self.key, self.dingtalk_secret = key, dingtalk_secret
        self.corp_id, self.corp_secret = corp_id, corp_secret
        self.script: list[dict] = []
        self.got: list[Got] = []
        self.tokens_issued: list[str] = []
        self.valid_tokens: set[str] = set()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="chat-receiver", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.key}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.key}"

    def sent(self, path: str) -> list[Got]:
        return [g for g in self.got if g.path == path]

    def start(self) -> ChatReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def _app(self, environ, start_response):
        request = Request(environ)
        got = Got(request.path, dict(request.args), request.get_data(), request.content_type or "")
        with self._lock:
            self.got.append(got)
            answer = self._answer(got)
        return Response(json.dumps(answer), content_type="application/json")(environ, start_response)

    def _answer(self, got: Got) -> dict:
        if got.path == "/cgi-bin/gettoken":
            if (got.args.get("corpid"), got.args.get("corpsecret")) != (self.corp_id, self.corp_secret):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            token = f"token-{len(self.tokens_issued) + 1}"
            self.tokens_issued.append(token)
            self.valid_tokens.add(token)
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        if got.path == "/cgi-bin/message/send" and got.args.get("access_token") not in self.valid_tokens:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if got.path == "/cgi-bin/webhook/send" and got.args.get("key") != self.key:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if got.path == "/robot/send" and not self._dingtalk_ok(got.args):
            return {"errcode": 310000, "errmsg": "sign not match"}
        return self.script.pop(0) if self.script else OK

    def _dingtalk_ok(self, args: dict[str, str]) -> bool:
        if args.get("access_token") != self.key:
            return False
        if self.dingtalk_secret is None:
            return True
        timestamp = args.get("timestamp", "")
        mac = hmac.new(self.dingtalk_secret.encode(), f"{timestamp}\n{self.dingtalk_secret}".encode(), hashlib.sha256)
        return hmac.compare_digest(base64.b64encode(mac.digest()).decode(), args.get("sign", ""))
