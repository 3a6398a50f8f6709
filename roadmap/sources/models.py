"""Watches, what each run did, what they have seen, and the editors' review queue.

A **Watch** is a source the tracker polls on a schedule: a Federal Register search, the Unified
Agenda's edition index, or an RSS/Atom feed. Each run leaves a **WatchRun**; a run in progress is
the watch's lock (at most one running row per watch, a database constraint). A **SeenItem** is
something a watch has already dealt with (a feed item, a public-inspection filing), so it never
comes back. A feed item that seems to concern the roadmap becomes a **Suggestion** for an editor
to accept or dismiss; it never changes a milestone by itself.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roadmap.models import Milestone, MilestoneUpdate, Topic, Workstream

DOCUMENT_TYPES = ("RULE", "PRORULE", "NOTICE", "PRESDOCU")
_AGENCIES = r"^[A-Za-z0-9-]+( [A-Za-z0-9-]+)*$"
_TYPES = r"^(RULE|PRORULE|NOTICE|PRESDOCU)( (RULE|PRORULE|NOTICE|PRESDOCU))*$"


class WatchKind(models.TextChoices):
    FEDERAL_REGISTER = "federal-register", _("Federal Register search")
    UNIFIED_AGENDA = "unified-agenda", _("Unified Agenda edition index")
    FEED = "feed", _("RSS or Atom feed")


class Watch(models.Model):
    name = models.SlugField(
        _("name"), max_length=100, unique=True, help_text=_("Letters, digits and hyphens.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WatchKind.choices)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_(
            "The Federal Register API's base URL (https://www.federalregister.gov/api/v1), the "
            "Unified Agenda's edition index page, or the feed's address."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    every_minutes = models.PositiveIntegerField(
        _("every (minutes)"), default=360, validators=[MinValueValidator(5)]
    )
    agencies = models.CharField(
        _("agencies"),
        max_length=500,
        blank=True,
        validators=[RegexValidator(_AGENCIES, _("Agency slugs or acronyms, by spaces."))],
        help_text=_(
            "Federal Register: agency slugs separated by spaces, e.g. "
            "securities-and-exchange-commission. Unified Agenda: one agency acronym (SEC)."
        ),
    )
    term = models.CharField(
        _("search term"),
        max_length=200,
        blank=True,
        help_text=_("Federal Register: full-text search words. Unified Agenda: a keyword."),
    )
    document_types = models.CharField(
        _("document types"),
        max_length=100,
        blank=True,
        validators=[RegexValidator(_TYPES, _("RULE, PRORULE, NOTICE or PRESDOCU, by spaces."))],
        help_text=_("Federal Register: RULE, PRORULE, NOTICE, PRESDOCU separated by spaces."),
    )
    since = models.DateField(
        _("published since"),
        null=True,
        blank=True,
        help_text=_("Federal Register: the first run reads documents published from this day."),
    )
    # What the watch has read so far: the newest publication date, and the feed's validators.
    cursor = models.DateField(_("read up to"), null=True, blank=True, editable=False)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WatchKind.values), name="watch_kind_known"),
            models.CheckConstraint(condition=Q(every_minutes__gte=5), name="watch_every_5_min"),
            models.CheckConstraint(
                condition=Q(document_types="") | Q(document_types__regex=_TYPES),
                name="watch_document_types_known",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind != WatchKind.FEDERAL_REGISTER and (self.document_types or self.since):
            raise ValidationError(
                _("Document types and a start day apply to Federal Register watches only.")
            )
        if self.kind == WatchKind.UNIFIED_AGENDA and len(self.agency_list()) > 1:
            raise ValidationError({"agencies": _("A Unified Agenda watch reads one agency.")})
        if self.kind == WatchKind.FEED and (self.agencies or self.term):
            raise ValidationError(_("A feed watch reads the whole feed: no agencies or term."))

    def agency_list(self) -> list[str]:
        return self.agencies.split()

    def document_type_list(self) -> list[str]:
        return self.document_types.split()


class RunState(models.TextChoices):
    RUNNING = "running", _("running")
    OK = "ok", _("ok")
    FAILED = "failed", _("failed")


class WatchRun(models.Model):
    watch = models.ForeignKey(Watch, models.CASCADE, related_name="runs", verbose_name=_("watch"))
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    bytes_fetched = models.PositiveBigIntegerField(_("bytes fetched"), default=0)
    fetched = models.PositiveIntegerField(_("items fetched"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    suggested = models.PositiveIntegerField(_("suggested"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("watch run")
        verbose_name_plural = _("watch runs")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RunState.values), name="run_state_known"),
            # The lock: one run in progress per watch.
            models.UniqueConstraint(
                fields=["watch"], condition=Q(state="running"), name="one_running_run_per_watch"
            ),
            models.CheckConstraint(
                condition=Q(state="running", finished_at__isnull=True)
                | (~Q(state="running") & Q(finished_at__isnull=False)),
                name="run_finished_unless_running",
            ),
        ]

    def __str__(self):
        return f"{self.watch} {self.started_at:%Y-%m-%d %H:%M} {self.get_state_display()}"

    def summary(self) -> str:
        """The line ``watch_run`` prints for this run."""
        return (
            f"watch={self.watch.name} status={self.state} fetched={self.fetched} "
            f"created={self.created} changed={self.changed} unchanged={self.unchanged} "
            f"suggested={self.suggested} skipped={self.skipped} errors={len(self.errors)}"
        )


class SeenItem(models.Model):
    watch = models.ForeignKey(Watch, models.CASCADE, related_name="seen")
    key = models.CharField(max_length=500)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["watch", "key"], name="seen_once_per_watch")]

    def __str__(self):
        return self.key


class SuggestionState(models.TextChoices):
    NEW = "new", _("to review")
    ACCEPTED = "accepted", _("accepted")
    DISMISSED = "dismissed", _("dismissed")


class Suggestion(models.Model):
    watch = models.ForeignKey(
        Watch, models.CASCADE, related_name="suggestions", verbose_name=_("watch")
    )
    key = models.CharField(_("item id"), max_length=500)
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    reason = models.TextField(_("why it was matched"))
    milestones = models.ManyToManyField(
        Milestone, blank=True, related_name="suggestions", verbose_name=_("milestones")
    )
    workstreams = models.ManyToManyField(
        Workstream, blank=True, related_name="suggestions", verbose_name=_("workstreams")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="suggestions", verbose_name=_("topics")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.NEW
    )
    created_at = models.DateTimeField(_("suggested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    update = models.ForeignKey(
        MilestoneUpdate,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded change"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(fields=["watch", "key"], name="suggestion_once_per_item"),
            models.CheckConstraint(
                condition=Q(state__in=SuggestionState.values), name="suggestion_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state="new", decided_at__isnull=True)
                | (~Q(state="new") & Q(decided_at__isnull=False)),
                name="suggestion_decided_unless_new",
            ),
        ]

    def __str__(self):
        return self.title
