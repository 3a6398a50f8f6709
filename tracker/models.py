"""Who follows the roadmap and what has been sent to them.

A **Subscriber** is an email address with its preferences: language, timezone and local hour, how
often a digest comes (daily, weekly on a chosen day, or never) and how many days before a target
the reminders come. It follows everything, or a set of roadmaps, workstreams, jurisdictions and
single milestones (**Follow** rows). Nothing but a confirmation is sent until the address is
confirmed (double opt-in); a permanent SMTP refusal suspends it until it is confirmed again.

Every email is a **Delivery** row, written before it is sent and marked sent after. Its ``key``
says what it covers (the digest of a local day, the reminder of a milestone at a lead time for one
target end, one confirmation) and is unique per subscriber, so no retry, second beat or rerun can
send the same email twice. A **DispatchSlot** records each quarter-hour the dispatcher has walked
for digests or reminders, so two dispatchers never fan out the same slot and a missed run catches
up.
"""

import functools
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream

MAX_LEAD_DAYS = 365
MAX_REMINDERS = 5


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA zones this machine knows: read from disk once (a walk of the time zone database
    takes tens of milliseconds), not on every form."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know; pick one such as Europe/London."),
            params={"value": value},
            code="invalid_timezone",
        )


def validate_lead_days(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) for day in value
    ):
        raise ValidationError(_("Reminder days must be a list of whole numbers."), code="invalid")
    if len(value) > MAX_REMINDERS:
        raise ValidationError(
            _("At most %(count)s reminders per milestone."),
            params={"count": MAX_REMINDERS},
            code="too_many",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder day may appear once."), code="duplicate")
    if any(not 1 <= day <= MAX_LEAD_DAYS for day in value):
        raise ValidationError(
            _("Reminders come 1 to %(max)s days before a target."),
            params={"max": MAX_LEAD_DAYS},
            code="out_of_range",
        )


def new_secret() -> str:
    return secrets.token_urlsafe(12)


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    NEVER = "never", _("no digest")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Confirmed, not suspended, not unsubscribed: the only addresses we mail."""
        return self.filter(
            confirmed_at__isnull=False, suspended_at__isnull=True, unsubscribed_at__isnull=True
        )


class Subscriber(models.Model):
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    send_hour = models.PositiveSmallIntegerField(
        _("local hour"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("Reminders and digests are sent at this hour of the subscriber's day."),
    )
    digest_frequency = models.CharField(
        _("digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    reminder_days = models.JSONField(
        _("reminder days"),
        default=list,
        blank=True,
        validators=[validate_lead_days],
        help_text=_("Days before a target to send a reminder, e.g. [30, 7, 1]."),
    )
    follows_everything = models.BooleanField(_("follows everything"), default=False)
    secret = models.CharField(
        _("link secret"),
        max_length=32,
        default=new_secret,
        editable=False,
        help_text=_("Part of every link we mail; changing it makes old links stop working."),
    )
    created_at = models.DateTimeField(_("subscribed"), default=now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True, editable=False)
    suspension_reason = models.TextField(_("why suspended"), blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True, editable=False)
    digest_cursor = models.DateTimeField(
        _("changes mailed up to"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The next digest covers changes recorded after this moment."),
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique"),
            models.CheckConstraint(condition=Q(send_hour__lte=23), name="subscriber_hour_valid"),
            models.CheckConstraint(
                condition=Q(digest_weekday__lte=6), name="subscriber_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(digest_frequency__in=DigestFrequency.values),
                name="subscriber_frequency_known",
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="subscriber_language_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["timezone", "send_hour"],
                name="subscriber_local_hour",
                condition=Q(confirmed_at__isnull=False),
            )
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_email", None)
        if stored is not None and stored.lower() != self.email.lower():
            # A new address: every link mailed to the old one must stop working.
            self.secret = new_secret()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "secret"}
        super().save(*args, **kwargs)
        self._stored_email = self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_email = instance.__dict__.get("email")
        return instance

    def clean(self):
        self.email = self.email.strip().lower()

    @property
    def is_active(self) -> bool:
        return bool(self.confirmed_at and not self.suspended_at and not self.unsubscribed_at)

    @property
    def state(self) -> str:
        """Where the subscription stands, in the active language."""
        if self.unsubscribed_at:
            return gettext("unsubscribed")
        if self.suspended_at:
            return gettext("suspended")
        if self.confirmed_at:
            return gettext("active")
        return gettext("awaiting confirmation")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Follow(models.Model):
    """One thing a subscriber follows: exactly one of a roadmap, workstream, jurisdiction or
    milestone."""

    subscriber = models.ForeignKey(
        Subscriber, models.CASCADE, related_name="follows", verbose_name=_("subscriber")
    )
    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("roadmap")
    )
    workstream = models.ForeignKey(
        Workstream,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstream"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    milestone = models.ForeignKey(
        Milestone,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("milestone"),
    )

    TARGETS = ("roadmap", "workstream", "jurisdiction", "milestone")

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(roadmap__isnull=False, workstream=None, jurisdiction=None, milestone=None)
                    | Q(roadmap=None, workstream__isnull=False, jurisdiction=None, milestone=None)
                    | Q(roadmap=None, workstream=None, jurisdiction__isnull=False, milestone=None)
                    | Q(roadmap=None, workstream=None, jurisdiction=None, milestone__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["subscriber", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"follow_{name}_once",
                )
                for name in ("roadmap", "workstream", "jurisdiction", "milestone")
            ),
        ]

    def __str__(self):
        return str(self.roadmap or self.workstream or self.jurisdiction or self.milestone)


class DeliveryKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("confirmation")
    ACCESS = "access", _("link to preferences")
    REMINDER = "reminder", _("reminder")
    DIGEST = "digest", _("digest")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("nothing to send")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, models.CASCADE, related_name="deliveries", verbose_name=_("subscriber")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeliveryKind.choices)
    key = models.CharField(
        _("covers"),
        max_length=120,
        help_text=_("What this email covers; unique per subscriber, so it is sent at most once."),
    )
    period = models.DateField(_("digest day"), null=True, blank=True)
    milestone = models.ForeignKey(
        Milestone,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("milestone"),
    )
    lead_days = models.PositiveSmallIntegerField(_("days before"), null=True, blank=True)
    target_end = models.DateField(_("for the target ending"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claim = models.UUIDField(_("claimed by"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    changes_through = models.DateTimeField(
        _("changes up to"),
        null=True,
        blank=True,
        help_text=_("A digest covers the changes recorded up to this moment."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "key"], name="delivery_once"),
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="delivery_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="delivery_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=DeliveryKind.REMINDER)
                | Q(lead_days__isnull=False, target_end__isnull=False),
                name="delivery_reminder_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DeliveryKind.DIGEST)
                | Q(period__isnull=False, changes_through__isnull=False),
                name="delivery_digest_complete",
            ),
            models.CheckConstraint(
                condition=~Q(state=DeliveryState.SENT) | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="delivery_unsent"),
            models.Index(fields=["claim"], name="delivery_claim"),
            models.Index(fields=["milestone", "target_end"], name="delivery_reminder"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.subscriber_id}: {self.key}"


class DispatchSlot(models.Model):
    """A quarter-hour whose digests or reminders the dispatcher has written."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(DeliveryKind.DIGEST, _("digests")), (DeliveryKind.REMINDER, _("reminders"))],
    )
    starts_at = models.DateTimeField(_("starts at"))
    created_at = models.DateTimeField(_("walked at"), default=now)

    class Meta:
        ordering = ["-starts_at", "kind"]
        verbose_name = _("dispatch slot")
        verbose_name_plural = _("dispatch slots")
        constraints = [
            models.UniqueConstraint(fields=["kind", "starts_at"], name="dispatch_slot_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SignInFailure(models.Model):
    """A failed sign-in to the admin, counted by the login limits.

    Kept in the database, not the cache, so the limits hold while Redis is down. The user name
    is stored as a digest: people type passwords into the wrong box.
    """

    username_digest = models.CharField(_("user name digest"), max_length=64)
    address = models.CharField(_("client address"), max_length=64)
    at = models.DateTimeField(_("at"), default=now)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["at"], name="signin_failure_at"),
            models.Index(fields=["address", "at"], name="signin_failure_address"),
            models.Index(fields=["username_digest", "at"], name="signin_failure_username"),
        ]

    def __str__(self):
        return f"{self.address} {self.at:%Y-%m-%d %H:%M:%S}"


class SubscriptionRequest(models.Model):
    """A subscribe form the page or the API accepted, waiting for a worker to act on it.

    The request only writes this row and queues its id, so it does the same work whether the
    address is unknown, confirmed or awaiting confirmation, and its timing tells nobody which.
    The worker subscribes the address (``subscribe_requests.handle``) and deletes the
    row in one transaction; the sweeper queues rows whose task was lost, say with the broker down.
    """

    email = models.EmailField(_("email"), max_length=254)
    preferences = models.JSONField(_("preferences"))
    follows = models.JSONField(
        _("follows"), help_text=_("Ids of what to follow, by kind, and whether everything.")
    )
    created_at = models.DateTimeField(_("received"), default=now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("subscribe request")
        verbose_name_plural = _("subscribe requests")
        indexes = [models.Index(fields=["created_at"], name="subscription_request_age")]

    def __str__(self):
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M:%S}"
