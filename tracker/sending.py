"""Sending a batch of deliveries over one SMTP connection, exactly once.

1. **Claim**: one UPDATE moves the batch's pending rows to "sending" under a fresh claim id, so a
   task that runs twice, or two workers given the same ids, send each row at most once.
2. **Render** the batch: a few queries, one rendering per distinct content.
3. **Send** over one connection, pipelined where the server allows (``tracker.smtp``). After
   each accepted message, and before the next message's content is written, its id goes into the
   claim's journal (``tracker.journal``), so that if the worker dies before step 4 the sweeper
   knows which claimed rows went out and does not send them again.
4. **Record**: one UPDATE marks the sent rows; digests move their subscriber's cursor past what
   they covered. Refused addresses (5xx) are suspended; temporary failures go back to pending
   for the task to retry with backoff. Each UPDATE is a compare-and-set on the state and claim it
   read, so a sweeper or a late worker settling the same claim again changes nothing.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker import journal, mail, queue, selectors, services, smtp
from tracker.content import DigestBuilder, reminder_content
from tracker.models import Delivery, DeliveryKind, DeliveryState

logger = logging.getLogger(__name__)
# A claim older than this belongs to a worker that died: the task time limit is far shorter.
STUCK_AFTER = datetime.timedelta(minutes=15)
# A pending row never claimed for this long has lost its task (the broker was down, say)...
LOST_AFTER = STUCK_AFTER
# ...and one claimed before has outlived the longest backoff (32 minutes).
LOST_AFTER_RETRY = STUCK_AFTER * 3


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "sent": len(self.sent),
            "skipped": len(self.skipped),
            "refused": len(self.refused),
            "retry": len(self.retry),
        }


class Batch:
    """Renders the messages of claimed deliveries, once per distinct content."""

    def __init__(self, deliveries: list[Delivery]):
        self.deliveries = deliveries
        self.state = selectors.batch_state(deliveries)
        self.digests = DigestBuilder(self.state)
        digests = [d for d in deliveries if d.kind == DeliveryKind.DIGEST]
        # A subscriber's later digest covers everything an earlier one would: send only that.
        latest = {d.subscriber_id: d.pk for d in sorted(digests, key=attrgetter("changes_through"))}
        self.superseded = {d.pk for d in digests} - set(latest.values())
        self._rendered: dict[object, mail.Rendered] = {}

    def _render(self, key, kind: str, context: dict, language: str) -> mail.Rendered:
        if key not in self._rendered:
            self._rendered[key] = mail.render(kind, context, language)
        return self._rendered[key]

    def rendered(self, delivery: Delivery) -> mail.Rendered | None:
        """Return what ``delivery`` says, or None when there is nothing (left) to say."""
        subscriber = delivery.subscriber
        if delivery.kind in (DeliveryKind.CONFIRMATION, DeliveryKind.ACCESS):
            if subscriber.unsubscribed_at and delivery.kind == DeliveryKind.ACCESS:
                return None
            context = mail.account_context(delivery.kind, subscriber)
            return mail.render(delivery.kind, context, subscriber.language)
        if not subscriber.is_active:
            return None
        if delivery.kind == DeliveryKind.REMINDER:
            reminder = reminder_content(self.state, delivery)
            if reminder is None:
                return None
            return self._render(reminder, "reminder", {"reminder": reminder}, reminder.language)
        if delivery.pk in self.superseded:
            return None
        digest = self.digests.content(delivery)
        if digest.is_empty():
            return None
        return self._render(digest, "digest", {"digest": digest}, digest.language)


def claim(ids: Iterable[int]) -> list[Delivery]:
    """Take the pending deliveries among ``ids`` for this run; others are someone else's."""
    token = uuid.uuid4()
    taken = Delivery.objects.filter(pk__in=list(ids), state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING,
        claim=token,
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not taken:
        return []
    return list(Delivery.objects.filter(claim=token).select_related("subscriber").order_by("pk"))


def send(ids: Iterable[int], *, run: str | None = None) -> Outcome:
    """Claim the pending deliveries among ``ids`` and send them over one connection."""
    outcome = send_claimed(claim(ids))
    logger.info(
        "send_deliveries %s: sent %d, skipped %d, refused %d, to retry %d",
        run,
        len(outcome.sent),
        len(outcome.skipped),
        len(outcome.refused),
        len(outcome.retry),
    )
    return outcome


def _codes(error: Exception) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in error.recipients.values()]
    code = getattr(error, "smtp_code", None)
    return [code] if isinstance(code, int) else []


def send_claimed(deliveries: list[Delivery]) -> Outcome:
    """Send claimed deliveries over one connection and record what happened to each."""
    outcome = Outcome()
    if not deliveries:
        return outcome
    batch = Batch(deliveries)
    prepared: dict[int, mail.PreparedEmail] = {}
    messages = []
    for delivery in deliveries:
        rendered = batch.rendered(delivery)
        if rendered is None:
            outcome.skipped.append(delivery.pk)
            continue
        if id(rendered) not in prepared:
            prepared[id(rendered)] = mail.PreparedEmail(delivery.kind, rendered)
        messages.append((delivery, prepared[id(rendered)]))
    claim = deliveries[0].claim
    if claim is None:
        raise ValueError("Only claimed deliveries are sent: claim() them first.")
    if messages:
        _send(messages, outcome, journal.Journal(claim))
    record(claim, deliveries, outcome)
    return outcome


def _send(messages, outcome: Outcome, sent_journal: journal.Journal) -> None:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        outcome.retry = [delivery.pk for delivery, _email in messages]
        outcome.errors = dict.fromkeys(outcome.retry, f"{type(error).__name__}: {error}")
        return
    sent_journal.open()
    try:
        if isinstance(connection, SmtpBackend) and connection.connection is not None:
            _send_encoded(connection.connection, messages, outcome, sent_journal)
        else:
            _send_one_by_one(connection, messages, outcome, sent_journal)
    finally:
        sent_journal.close()
        connection.close()


def _failed(delivery: Delivery, error: Exception, outcome: Outcome) -> bool:
    """Note why ``delivery`` did not go; False when the connection itself is in doubt."""
    outcome.errors[delivery.pk] = f"{type(error).__name__}: {error}"[:2000]
    codes = _codes(error)
    if codes and all(code >= 500 for code in codes):
        outcome.refused.append(delivery.pk)  # the address is refused for good
    elif codes:
        outcome.retry.append(delivery.pk)  # refused for now (greylisting, a full box)
    return bool(codes)


def _send_one_by_one(connection, messages, outcome: Outcome, sent_journal) -> None:
    """Any mail backend: each message built as an ``EmailMessage`` and handed to it."""
    for position, (delivery, email) in enumerate(messages):
        try:
            connection.send_messages([email.for_delivery(delivery, connection)])
        except (smtplib.SMTPException, OSError) as error:
            if not _failed(delivery, error, outcome):
                # The connection is in doubt: this and every later message are tried again.
                outcome.retry += [item.pk for item, _email in messages[position:]]
                break
            continue
        sent_journal.add(delivery.pk)
        outcome.sent.append(delivery.pk)


def _send_encoded(connection: smtplib.SMTP, messages, outcome: Outcome, sent_journal) -> None:
    """SMTP: each copy encoded from its prepared bytes and sent through ``smtp.Pipeline``, which
    writes the next content only once this loop has journaled the message before it."""
    sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
    encoded = ((delivery, *email.encoded_for(delivery)) for delivery, email in messages)
    position = 0
    try:
        for delivery, error in smtp.Pipeline(connection, sender).send(encoded):
            position += 1
            if error is None:
                sent_journal.add(delivery.pk)
                outcome.sent.append(delivery.pk)
            else:
                _failed(delivery, error, outcome)
    except (smtplib.SMTPException, OSError) as error:
        # The connection is in doubt: the message after the last answered one and every later
        # one are tried again.
        for delivery, _email in messages[position:]:
            outcome.errors[delivery.pk] = f"{type(error).__name__}: {error}"[:2000]
            outcome.retry.append(delivery.pk)


def record(claim: uuid.UUID, deliveries: list[Delivery], outcome: Outcome) -> None:
    """Write what happened to a claim's rows: sent, skipped, refused for good, or to retry.

    Every change is a compare-and-set: it touches a row only while the row is still "sending"
    under ``claim``. A second sweeper, or a worker that outlived its claim, that writes the same
    claim again changes nothing, so settling a claim is idempotent. The claim's journal is
    forgotten only once what it told has been committed.
    """
    now = timezone.now()
    mine = Delivery.objects.filter(state=DeliveryState.SENDING, claim=claim)
    if outcome.sent:
        mine.filter(pk__in=outcome.sent).update(
            state=DeliveryState.SENT, sent_at=now, claim=None, last_error=""
        )
        # These went out whoever records them; moving a cursor forward twice is harmless.
        sent = set(outcome.sent)
        services.subscribers_advance_digest_cursor(
            sent_digests=[d for d in deliveries if d.pk in sent and d.kind == DeliveryKind.DIGEST]
        )
    if outcome.skipped:
        mine.filter(pk__in=outcome.skipped).update(state=DeliveryState.SKIPPED, claim=None)
    by_id = {d.pk: d for d in deliveries}
    for pk in outcome.refused:
        mine.filter(pk=pk).update(
            state=DeliveryState.FAILED, claim=None, last_error=outcome.errors[pk]
        )
        services.subscribers_suspend(
            subscriber_ids=[by_id[pk].subscriber_id], reason=outcome.errors[pk]
        )
    if outcome.retry:
        error = next(
            (outcome.errors[pk] for pk in outcome.retry if pk in outcome.errors), "not sent"
        )
        mine.filter(pk__in=outcome.retry).update(
            state=DeliveryState.PENDING, claim=None, last_error=error
        )
    transaction.on_commit(lambda: journal.discard(claim))
    _log(deliveries, outcome)


def _log(deliveries: list[Delivery], outcome: Outcome) -> None:
    """One line per delivery, in key=value form a log pipeline can parse."""
    results = {
        **dict.fromkeys(outcome.sent, "sent"),
        **dict.fromkeys(outcome.skipped, "skipped"),
        **dict.fromkeys(outcome.refused, "refused"),
        **dict.fromkeys(outcome.retry, "retry"),
    }
    for delivery in deliveries:
        result = results.get(delivery.pk)
        if result is None:
            continue
        error = outcome.errors.get(delivery.pk)
        level = logging.WARNING if error else logging.INFO
        logger.log(
            level,
            "delivery=%s subscriber=%s kind=%s outcome=%s%s",
            delivery.pk,
            delivery.subscriber_id,
            delivery.kind,
            result,
            f" error={error!r}" if error else "",
        )


def give_up(ids: Iterable[int]) -> None:
    """Retries are exhausted: mark still-pending deliveries failed, for an editor to resend."""
    Delivery.objects.filter(pk__in=list(ids), state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED
    )


def recover_stuck(now: datetime.datetime) -> list[int]:
    """Settle the claims of workers that died mid-batch; return the ids to send again."""
    claims = (
        Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER)
        .values_list("claim", flat=True)
        .distinct()
    )
    ids: list[int] = []
    for claim in list(claims):
        if claim is not None:  # a row being sent always has its claim
            ids += _recover_claim(claim)
    return ids


def sweep(now: datetime.datetime) -> int:
    """Queue again the deliveries whose worker died or whose task was lost; return how many."""
    ids = recover_stuck(now)
    lost = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(claimed_at__lt=now - LOST_AFTER_RETRY)
        | Q(claimed_at__isnull=True, created_at__lt=now - LOST_AFTER)
    )
    ids = sorted(set(ids) | set(lost.values_list("pk", flat=True)[:50_000]))
    queue.enqueue(ids)
    if ids:
        logger.info("sweep: re-queued %d deliveries", len(ids))
    return len(ids)


def _recover_claim(claim: uuid.UUID) -> list[int]:
    """Settle one stuck claim from its journal; return the ids put back to pending.

    The claim's rows are locked in id order, waiting for a sweeper that holds them, so one sweeper
    settles them all: a stuck row that the journal says went out is marked sent, not sent twice;
    the rest go back to pending. A sweeper that waited finds them settled (no longer sending under
    the claim) and leaves them. (Skipping locked rows instead would split a claim between two
    sweepers, and the second would read the journal the first had discarded.)
    """
    with transaction.atomic():
        stuck = list(
            Delivery.objects.select_for_update(of=("self",))
            .filter(state=DeliveryState.SENDING, claim=claim)
            .select_related("subscriber")
            .order_by("pk")
        )
        if not stuck:
            return []
        went_out = journal.read(claim)
        outcome = Outcome(
            sent=[d.pk for d in stuck if d.pk in went_out],
            retry=[d.pk for d in stuck if d.pk not in went_out],
        )
        outcome.errors = dict.fromkeys(outcome.retry, "the worker stopped before sending it")
        record(claim, stuck, outcome)
    return outcome.retry
