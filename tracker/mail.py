"""Turning a delivery into an email: templates rendered once per content, links per subscriber.

Each kind of email (confirmation, link to preferences, reminder, digest) has a subject, a text and
an HTML template under ``tracker/email/``. A template is rendered with placeholders where the
subscriber's own signed links go; ``personalise`` puts them in, so a digest that 10,000 people
would read alike is rendered once. Every message says which list it is from, how to leave it in
one click (RFC 8058), and carries a Message-ID made from the delivery, so a copy that a retry
might still produce is recognisably the same email.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tracker import tokens
from tracker.models import Delivery, DeliveryKind, Subscriber

MANAGE_URL = "https://manage.invalid/placeholder"
UNSUBSCRIBE_URL = "https://unsubscribe.invalid/placeholder"
CONFIRM_URL = "https://confirm.invalid/placeholder"
PLACEHOLDERS = {"manage_url": MANAGE_URL, "unsubscribe_url": UNSUBSCRIBE_URL}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str


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


def links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's own signed links: preferences, one-click unsubscribe and confirmation."""
    manage = tokens.make_token(subscriber, tokens.MANAGE)
    confirm = tokens.make_token(subscriber, tokens.CONFIRM)
    site = settings.SITE_URL
    return {
        MANAGE_URL: site + reverse("tracker:manage", args=[manage]),
        UNSUBSCRIBE_URL: site + reverse("tracker:unsubscribe", args=[manage]),
        CONFIRM_URL: site + reverse("tracker:confirm", args=[confirm]),
        "token": manage,
    }


def _personalise(text: str, personal: dict[str, str]) -> str:
    for placeholder in (MANAGE_URL, UNSUBSCRIBE_URL, CONFIRM_URL):
        text = text.replace(placeholder, personal[placeholder])
    return text


def _domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def unsubscribe_mailto(token: str) -> str:
    address = settings.UNSUBSCRIBE_MAILTO or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"mailto:{address}?subject={quote('unsubscribe ' + token)}"


def message(delivery: Delivery, rendered: Rendered, connection=None) -> EmailMultiAlternatives:
    """Build the email for ``delivery`` from ``rendered`` content and the subscriber's links."""
    subscriber = delivery.subscriber
    personal = links(subscriber)
    headers = {
        "Message-ID": f"<delivery-{delivery.pk}.{subscriber.pk}@{_domain()}>",
        "List-Id": f"Regulatory roadmap tracker <updates.{_domain()}>",
        "List-Unsubscribe": (
            f"<{personal[UNSUBSCRIBE_URL]}>, <{unsubscribe_mailto(personal['token'])}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": rendered.language,
    }
    if delivery.kind in (DeliveryKind.REMINDER, DeliveryKind.DIGEST):
        headers["Auto-Submitted"] = "auto-generated"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=_personalise(rendered.text, personal),
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )
    email.attach_alternative(_personalise(rendered.html, personal), "text/html")
    return email
