"""Turning a delivery into an email: templates rendered once per content, links per subscriber.

Each kind of email (confirmation, link to preferences, reminder, digest) has a subject, a text and
an HTML template under ``tracker/email/``. A template is rendered with placeholders where the
subscriber's own signed links go; ``personalise`` puts them in, so a digest that 10,000 people
would read alike is rendered once. Every message says which list it is from, how to leave it in
one click (RFC 8058), and carries a Message-ID made from the delivery, so a copy that a retry
might still produce is recognisably the same email.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tracker import tokens
from tracker.models import Delivery, DeliveryKind, Subscriber
from tracker.services import Follows

# Stand-ins for what differs per subscriber, replaced in each copy.
MANAGE_URL = "https://manage.invalid/placeholder"
UNSUBSCRIBE_URL = "https://unsubscribe.invalid/placeholder"
CONFIRM_URL = "https://confirm.invalid/placeholder"
MAILTO_SUBJECT = "mailto-subject-placeholder"
RECIPIENT = "recipient@placeholder.invalid"
MESSAGE_ID = "message-id-placeholder"
TOKEN = "token-placeholder"  # noqa: S105 (a stand-in, not a secret)
PLACEHOLDERS = {"manage_url": MANAGE_URL, "unsubscribe_url": UNSUBSCRIBE_URL}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str


def account_context(kind: str, subscriber: Subscriber) -> dict:
    """What a confirmation or preferences-link email is rendered with: the subscriber, and for a
    confirmation what they chose (read once for both its text and HTML parts)."""
    context: dict = {"subscriber": subscriber}
    if kind == DeliveryKind.CONFIRMATION:
        context["follows"] = Follows.of(subscriber)
    return context


def render(kind: str, context: dict, language: str) -> Rendered:
    """Render the ``kind`` templates in ``language`` with placeholder links."""
    context = {"site_url": settings.SITE_URL, **PLACEHOLDERS, "confirm_url": CONFIRM_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"tracker/email/{kind}_subject.txt", context)
        return Rendered(
            subject=" ".join(subject.split()),
            text=render_to_string(f"tracker/email/{kind}.txt", context),
            html=render_to_string(f"tracker/email/{kind}.html", context),
            language=language,
        )


class Links:
    """Each subscriber's signed links: the addresses are resolved once, the tokens signed per
    subscriber (the confirmation token only when the email has a confirmation link)."""

    def __init__(self, confirm: bool = True):
        site = settings.SITE_URL
        self.manage = site + reverse("tracker:manage", args=[TOKEN])
        self.unsubscribe = site + reverse("tracker:unsubscribe", args=[TOKEN])
        self.confirm = site + reverse("tracker:confirm", args=[TOKEN]) if confirm else None

    def values(self, subscriber: Subscriber) -> dict[str, str]:
        """The subscriber's own value for each link placeholder."""
        manage = tokens.make_token(subscriber, tokens.MANAGE)
        personal = {
            MANAGE_URL: self.manage.replace(TOKEN, manage),
            UNSUBSCRIBE_URL: self.unsubscribe.replace(TOKEN, manage),
            MAILTO_SUBJECT: quote("unsubscribe " + manage),
        }
        if self.confirm is not None:
            token = tokens.make_token(subscriber, tokens.CONFIRM)
            personal[CONFIRM_URL] = self.confirm.replace(TOKEN, token)
        return personal


@functools.cache
def _domain_of(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


def _headers(kind: str, language: str, message_id: str, unsubscribe_url: str, mailto: str):
    address = settings.UNSUBSCRIBE_MAILTO or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    headers = {
        "Message-ID": message_id,
        "List-Id": f"Regulatory roadmap tracker <updates.{_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{address}?subject={mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": language,
    }
    if kind in (DeliveryKind.REMINDER, DeliveryKind.DIGEST):
        headers["Auto-Submitted"] = "auto-generated"
    return headers


def _message_id(delivery: Delivery) -> str:
    return f"<delivery-{delivery.pk}.{delivery.subscriber_id}@{_domain()}>"


class _Encoded:
    """A MIME message already encoded: what a mail backend asks of ``EmailMessage.message()``."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def get_charset(self):
        return None


class _PersonalEmail(EmailMultiAlternatives):
    def __init__(self, encoded: bytes, **kwargs):
        super().__init__(**kwargs)
        self.encoded = encoded

    def message(self):
        return _Encoded(self.encoded)


class PreparedEmail:
    """One rendered email, encoded to MIME once; each subscriber's copy is a substitution.

    Encoding a multipart message with Python's email package costs more than everything else a
    send does, so the message is built once with placeholders for the address, the Message-ID
    and the signed links, and each copy replaces them in the encoded bytes. If the encoding
    would have changed a placeholder (an address that needs IDNA, a line long enough for
    quoted-printable), that subscriber's copy is built the ordinary way.
    """

    def __init__(self, kind: str, rendered: Rendered):
        self.kind = kind
        self.rendered = rendered
        headers = _headers(
            kind, rendered.language, f"<{MESSAGE_ID}@{_domain()}>", UNSUBSCRIBE_URL, MAILTO_SUBJECT
        )
        template = self._email(RECIPIENT, headers, rendered.text, rendered.html)
        self.encoded = template.message().as_bytes(linesep="\r\n")
        expected = {
            placeholder: (rendered.text + rendered.html).count(placeholder)
            for placeholder in (MANAGE_URL, CONFIRM_URL)
        }
        expected[UNSUBSCRIBE_URL] = (rendered.text + rendered.html).count(UNSUBSCRIBE_URL) + 1
        expected[MAILTO_SUBJECT] = expected[RECIPIENT] = expected[MESSAGE_ID] = 1
        self.fast = all(
            self.encoded.count(placeholder.encode()) == count
            for placeholder, count in expected.items()
        )
        self.links = Links(confirm=expected[CONFIRM_URL] > 0)

    def _email(self, to: str, headers: dict, text: str, html: str, connection=None):
        email = EmailMultiAlternatives(
            subject=self.rendered.subject,
            body=text,
            to=[to],
            headers=headers,
            connection=connection,
        )
        email.attach_alternative(html, "text/html")
        return email

    def _copies_encoded(self, subscriber: Subscriber) -> bool:
        return self.fast and subscriber.email.isascii() and settings.SITE_URL.isascii()

    def encoded_for(self, delivery: Delivery) -> tuple[str, bytes]:
        """Return ``delivery``'s envelope recipient and its copy encoded for SMTP, as Django's
        SMTP backend would send ``for_delivery``'s message."""
        subscriber = delivery.subscriber
        if not self._copies_encoded(subscriber):
            email = self.for_delivery(delivery)
            encoding = email.encoding or settings.DEFAULT_CHARSET
            return (
                sanitize_address(subscriber.email, encoding),
                # Django 5.2's message() is a SafeMIME part, whose as_bytes() takes a line
                # separator; the stubs describe Django 6's stdlib message instead.
                email.message().as_bytes(linesep="\r\n"),  # type: ignore[call-arg]
            )
        return subscriber.email, self._copy(delivery, self.links.values(subscriber))

    def _copy(self, delivery: Delivery, personal: dict[str, str]) -> bytes:
        """The encoded message with ``personal``'s links, the address and the Message-ID in."""
        encoded = self.encoded
        personal = {
            **personal,
            RECIPIENT: delivery.subscriber.email,
            MESSAGE_ID: _message_id(delivery)[1:].partition("@")[0],
        }
        for placeholder, value in personal.items():
            encoded = encoded.replace(placeholder.encode(), value.encode())
        return encoded

    def for_delivery(self, delivery: Delivery, connection=None) -> EmailMultiAlternatives:
        """Return ``delivery``'s copy, personalised."""
        subscriber = delivery.subscriber
        personal = self.links.values(subscriber)
        text, html = self.rendered.text, self.rendered.html
        for placeholder in (MANAGE_URL, UNSUBSCRIBE_URL, CONFIRM_URL):
            if placeholder in personal:
                text = text.replace(placeholder, personal[placeholder])
                html = html.replace(placeholder, personal[placeholder])
        message_id = _message_id(delivery)
        headers = _headers(
            self.kind,
            self.rendered.language,
            message_id,
            personal[UNSUBSCRIBE_URL],
            personal[MAILTO_SUBJECT],
        )
        if not self._copies_encoded(subscriber):
            return self._email(subscriber.email, headers, text, html, connection)
        email = _PersonalEmail(
            self._copy(delivery, personal),
            subject=self.rendered.subject,
            body=text,
            to=[subscriber.email],
            headers=headers,
            connection=connection,
        )
        email.attach_alternative(html, "text/html")
        return email
