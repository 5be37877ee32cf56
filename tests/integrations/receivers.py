"""Real receivers on loopback, each in its own thread: an SMTP server (aiosmtpd) and an HTTP endpoint.

They stand for the mail server, the team chat bot and the finance system. Each
records what it got; the HTTP one checks signatures with its own code (not the
service's) and answers from a script, so a test can make it fail first.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.smtp import SMTP


class SmtpReceiver:
    """Accepts mail on 127.0.0.1:<ephemeral>; `defer_next` answers that many messages 451 (try later)."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.deferred: list[EmailMessage] = []
        self.defer_next = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-receiver", daemon=True)

    def start(self) -> SmtpReceiver:
        self._thread.start()
        serving = self._loop.create_server(lambda: SMTP(self, hostname="smtp.test", loop=self._loop), "127.0.0.1", 0)
        self._server = asyncio.run_coroutine_threadsafe(serving, self._loop).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        if self.defer_next:
            self.defer_next -= 1
            self.deferred.append(message)
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(message)
        return "250 2.0.0 OK"

    def stop(self) -> None:
        self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class HttpReceiver:
    """POSTs to http://127.0.0.1:<ephemeral>/hook; answers `script` statuses first, then `default`.

    `hold()` makes the next request wait inside the receiver until `release()`: a send in flight.
    """

    def __init__(self, secret: str, default: int = 200):
        self.secret, self.default = secret, default
        self.script: list[int] = []
        self.requests: list[Received] = []
        self.arrived = threading.Event()
        self._gate: threading.Event | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-receiver", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> HttpReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def hold(self) -> None:
        self._gate = threading.Event()

    def release(self) -> None:
        if self._gate is not None:
            self._gate.set()

    def signature_ok(self, timestamp: str, body: bytes, signed: str) -> bool:
        expected = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={expected}", signed)

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        valid = self.signature_ok(headers.get("x-handoff-timestamp", ""), body, headers.get("x-handoff-signature", ""))
        with self._lock:
            self.requests.append(Received(headers, body, valid))
            status = self.script.pop(0) if self.script else self.default
        self.arrived.set()
        if self._gate is not None:
            self._gate.wait(timeout=30)
        return status if valid else 401

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver._answer({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")

            def log_message(self, format, *args):  # noqa: A002 - quiet test output
                return None

        return Handler
