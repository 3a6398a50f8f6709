"""Sending encoded messages over one open SMTP connection, one round trip each where allowed.

``smtplib`` sends a message in four round trips: MAIL, RCPT, DATA, then the content. A server that
offers PIPELINING (RFC 2920) takes the end of one message's content and the next message's MAIL,
RCPT and DATA in one write and answers them together, so each message costs one round trip.

Each message's result is yielded as soon as the server has answered its content, and the next
message's content is written only when the caller asks for the next result. A caller that notes
each accepted message before asking for the next therefore never has more than one message
accepted and not yet noted, as when sending one message at a time.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterable, Iterator
from typing import Any

CRLF = b"\r\n"
# (what the caller keeps, the envelope recipient, the message encoded with CRLF line ends)
Message = tuple[Any, str, bytes]


PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def envelope_address(address: str) -> str:
    """The ``<address>`` of a MAIL or RCPT command, as ``smtplib`` writes it."""
    if PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


def _data(content: bytes) -> bytes:
    """The content as DATA carries it: lines starting with a dot doubled, then the end mark."""
    stuffed = re.sub(rb"(?m)^\.", b"..", content)
    if not stuffed.endswith(CRLF):
        stuffed += CRLF
    return stuffed + b"." + CRLF


class Pipeline:
    """Sends messages from ``sender`` over ``connection``, an open ``smtplib.SMTP``."""

    def __init__(self, connection: smtplib.SMTP, sender: str):
        connection.ehlo_or_helo_if_needed()
        self.connection = connection
        self.sender = envelope_address(sender)
        self.pipelining = connection.has_extn("pipelining")
        self.size = connection.has_extn("size")

    def _envelope(self, recipient: str, content: bytes) -> bytes:
        size = f" SIZE={len(content)}" if self.size else ""
        return (
            f"MAIL FROM:{self.sender}{size}\r\nRCPT TO:{envelope_address(recipient)}\r\nDATA\r\n"
        ).encode("ascii")

    def send(self, messages: Iterable[Message]) -> Iterator[tuple[Any, Exception | None]]:
        """Yield ``(key, None)`` for each message accepted, ``(key, error)`` for each refused.

        The errors are the ones ``smtplib.sendmail`` raises (sender or recipients refused, data
        error), carrying the server's code. A lost connection is raised: the message after the
        last one yielded is then in doubt, and those after it were not sent.
        """
        if not self.pipelining:
            for key, recipient, content in messages:
                try:
                    self.connection.sendmail(self.sender, [recipient], content)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    yield key, error
                else:
                    yield key, None
            return
        remaining = iter(messages)
        current = next(remaining, None)
        if current is not None:
            self.connection.send(self._envelope(*current[1:]))
        while current is not None:
            key, recipient, content = current
            mail, rcpt, data = (self.connection.getreply() for _command in range(3))
            if mail[0] == 250 and rcpt[0] in (250, 251) and data[0] == 354:
                following = next(remaining, None)
                after = self._envelope(*following[1:]) if following else b""
                self.connection.send(_data(content) + after)
                code, reply = self.connection.getreply()
                yield key, None if code == 250 else smtplib.SMTPDataError(code, reply)
            else:
                if data[0] == 354:  # a server that opened DATA without a recipient
                    self.connection.send(b"." + CRLF)
                    self.connection.getreply()
                self.connection.rset()
                refused: smtplib.SMTPException
                if mail[0] != 250:
                    refused = smtplib.SMTPSenderRefused(*mail, self.sender)
                elif rcpt[0] not in (250, 251):
                    refused = smtplib.SMTPRecipientsRefused({recipient: rcpt})
                else:
                    refused = smtplib.SMTPDataError(*data)
                yield key, refused
                following = next(remaining, None)
                if following is not None:
                    self.connection.send(self._envelope(*following[1:]))
            current = following
