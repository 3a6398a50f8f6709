"""Samples of each email for one subscriber, rendered as they would be sent, never sent."""

from __future__ import annotations

import datetime
from email import message_from_bytes

from django.utils import timezone

from roadmap.models import Milestone
from tracker import mail, schedule, selectors
from tracker.content import DigestBuilder, ReminderContent
from tracker.models import Delivery, DeliveryKind, Subscriber

SAMPLE_DAYS = 30


def _digest(subscriber: Subscriber, now: datetime.datetime) -> tuple[mail.Rendered, str]:
    """The digest due now; if nothing changed since the last one, the last 30 days'."""
    note = ""
    delivery = Delivery(
        subscriber=subscriber,
        kind=DeliveryKind.DIGEST,
        period=schedule.local_day(now, subscriber.timezone),
        changes_through=now,
    )
    content = DigestBuilder(selectors.batch_state([delivery])).content(delivery)
    if content.is_empty():
        note = "Nothing changed since the last digest, so none would be sent now; this sample "
        note += f"covers the last {SAMPLE_DAYS} days."
        subscriber.digest_cursor = now - datetime.timedelta(days=SAMPLE_DAYS)
        content = DigestBuilder(selectors.batch_state([delivery])).content(delivery)
    return mail.render("digest", {"digest": content}, subscriber.language), note


def _reminder(subscriber: Subscriber, now: datetime.datetime) -> tuple[mail.Rendered | None, str]:
    """A reminder for the next followed milestone with a deadline."""
    pattern = selectors.follow_patterns([subscriber])[subscriber.pk]
    today = schedule.local_day(now, subscriber.timezone)
    upcoming = Milestone.objects.open().with_deadline().filter(target_end__gte=today)
    milestone = next(
        (
            m
            for m in selectors.facts(upcoming.order_by("target_end")[:500]).values()
            if pattern.matches(m)
        ),
        None,
    )
    if milestone is None or milestone.deadline is None:
        return None, "No followed milestone has a deadline ahead, so no reminder would be sent."
    lead = min(subscriber.reminder_days or [7])
    content = ReminderContent(
        subscriber.language, milestone, lead, milestone.deadline, days_left=lead
    )
    return mail.render("reminder", {"reminder": content}, subscriber.language), ""


def preview(subscriber: Subscriber, kind: str) -> dict:
    """Return the message ``kind`` would be for ``subscriber``, with a note for the editor."""
    now = timezone.now()
    note = ""
    rendered: mail.Rendered | None
    if kind == DeliveryKind.DIGEST:
        rendered, note = _digest(subscriber, now)
    elif kind == DeliveryKind.REMINDER:
        rendered, note = _reminder(subscriber, now)
    else:
        context = mail.account_context(kind, subscriber)
        rendered = mail.render(kind, context, subscriber.language)
    if rendered is None:
        return {"note": note, "message": None}
    message = mail.PreparedEmail(kind, rendered).for_delivery(
        Delivery(subscriber=subscriber, kind=kind)
    )
    return {
        "note": note,
        "message": message,
        "html": message.alternatives[0][0],
        "headers": message_from_bytes(message.message().as_bytes()).items(),
    }
