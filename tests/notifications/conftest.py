"""Real receivers for delivery tests: an SMTP server (aiosmtpd) and an HTTP server, both on loopback.

The SMTP server can be stopped and started again on the same port (to be "down" for a while), can
refuse recipients, and can hold a message in DATA until the test lets it go (to kill a worker or
time a client out at exactly that moment).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpRecorder:
    """The aiosmtpd handler: keeps every message it was given, in order."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    hold: bool = False
    # Hold only the message that arrives as this number (1-based); the ones before pass.
    hold_at: int | None = None
    delay: float = 0.0
    in_data: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # The message is whole and in our hands: from here on the sender cannot know whether it arrived.
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        if self.hold_at is not None and len(self.messages) != self.hold_at:
            return "250 OK queued"
        self.in_data.set()
        await asyncio.sleep(self.delay)
        deadline = time.monotonic() + 15
        held = self.hold or self.hold_at is not None
        while held and not self.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return "250 OK queued"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = SmtpRecorder()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.recorder.messages

    def start(self) -> None:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self.recorder.release.set()
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp():
    """A running SMTP server; `smtp.stop()` / `smtp.start()` take it down and bring it back."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down():
    """An SMTP address where nothing listens yet; `smtp_down.start()` brings the server up."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, request):
    """The suite's config, pointed at whichever SMTP server the test asked for (none: the file sink)."""
    config = dict(app_config)
    config.update(
        OMBUDSFLOW_DELIVERY_BACKOFF_SECONDS=60,
        OMBUDSFLOW_DELIVERY_LEASE_SECONDS=600,
        OMBUDSFLOW_DELIVERY_RETRIES=6,
        OMBUDSFLOW_SMTP_TIMEOUT=5,
        OMBUDSFLOW_SMTP_HOST="",
    )
    for name in ("smtp", "smtp_down"):
        if name in request.fixturenames:
            config.update(
                OMBUDSFLOW_SMTP_HOST="127.0.0.1", OMBUDSFLOW_SMTP_PORT=request.getfixturevalue(name).port
            )
    return config


@dataclass
class HttpCall:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.calls: list[HttpCall] = []
        self.statuses: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/ombudsflow"


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.calls.append(HttpCall(self.path, dict(self.headers.items()), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A webhook receiver; set `receiver.statuses = [500, 200]` to script its answers (default 204)."""
    server = _Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)
