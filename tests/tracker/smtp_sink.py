"""A real SMTP server for tests: aiosmtpd on a free local port, keeping what it accepts.

Recipients whose local part is ``refuse`` get a permanent 550, ``busy`` a temporary 451, as a
real mail server would answer for a dead mailbox or a greylisted one. ``mode`` makes the whole
server misbehave for a while: "busy" answers every recipient with 451, "drop" hangs up when a
message's data arrives, without accepting it. Like most mail servers it offers PIPELINING
(RFC 2920), unless started with ``pipelining=False``.
"""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self, delay: float = 0, pipelining: bool = True):
        self.delay = delay
        self.pipelining = pipelining
        self.mode = "ok"
        self.messages = []
        self.sessions = set()
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.partition("@")[0]
        if self.mode == "busy":
            return "451 4.3.2 System busy, try again later"
        if local == "refuse":
            return "550 5.1.1 No such mailbox"
        if local == "busy":
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "drop":
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        if self.delay:
            await asyncio.sleep(self.delay)
            # Let a pending "connection lost" be noticed before accepting, as a server would.
            await asyncio.sleep(0.002)
            if server.transport is None or server.transport.is_closing():
                return "451 Connection lost before the message was accepted"
        with self.lock:
            self.sessions.add(id(session))
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpSink:
    """Start and stop the server; ``messages`` are the parsed emails it accepted."""

    def __init__(self, delay: float = 0, pipelining: bool = True):
        self.port = free_port()
        self.handler = Sink(delay, pipelining)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
