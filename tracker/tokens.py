"""Signed, expiring links: confirm an address, manage preferences, unsubscribe.

A token names the subscriber and carries part of their secret, signed with the site's key and a
salt per purpose, and stamped with the time it was made. Changing the subscriber's secret (which
unsubscribing and a new address do) makes every older link stop working; a confirmation link
lasts days, a preferences or unsubscribe link as long as an old email may reasonably be opened.
The unsubscribed page's "subscribe again" link can only ask for a new confirmation email.
"""

from __future__ import annotations

import datetime

from django.core import signing

from tracker.models import Subscriber

CONFIRM = "tracker.confirm"
MANAGE = "tracker.manage"
RESUBSCRIBE = "tracker.resubscribe"
MAX_AGE = {
    CONFIRM: datetime.timedelta(days=7),
    MANAGE: datetime.timedelta(days=400),
    RESUBSCRIBE: datetime.timedelta(days=1),
}


class BadToken(Exception):
    """The link is tampered with, expired, or no longer belongs to a subscriber."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make_token(subscriber: Subscriber, purpose: str) -> str:
    return signing.dumps({"s": subscriber.pk, "k": subscriber.secret[:8]}, salt=purpose)


def read_token(token: str, purpose: str) -> Subscriber:
    """Return the subscriber ``token`` was made for, or raise ``BadToken``."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=MAX_AGE[purpose])
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise BadToken
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None or subscriber.secret[:8] != payload.get("k"):
        raise BadToken
    return subscriber
