"""What is planned: roadmaps, their workstreams, their milestones and each milestone's history.

A **Roadmap** (the SEC's Crypto Task Force) is split into **Workstreams** (policy research,
supervision & enforcement, …). A **Milestone** belongs to one workstream and is owned by one
**Authority** of a **Jurisdiction**; it has a status, a progress, a fuzzy **target**
(``roadmap.targets.Target``: an interval, a precision, a qualifier and the words it was published
in), **Sources** and dependencies on other milestones. **Topics** cut across roadmaps so that the
US, EU, Singapore and Japan can be compared on the same subject. Every change of status, target or
progress is a **MilestoneUpdate**; a target moved later is a slip, and the milestone keeps count.

State changes go through ``roadmap.services``; this module only states what is valid.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap.forecasts.clocks import MAX_OFFSET, Combine, Unit
from roadmap.markdown import render_markdown
from roadmap.targets import Precision, Qualifier, Target

# Characters RFC 3986 never allows in a URI, which Django's URL check lets through in a path.
NOT_IN_A_URI = re.compile(r'[<>"{}|\\^`]')


def refuse_non_uri(field: str, url: str) -> None:
    """Refuse a URL with a character a URI can't hold: it must be percent-encoded (%3C for <)."""
    if NOT_IN_A_URI.search(url):
        raise ValidationError(
            {field: _('Percent-encode < > " { } | \\ ^ and ` in an address (%3C for <).')}
        )


class Jurisdiction(models.Model):
    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Use 2–8 capital letters, e.g. US or EU."))],
        help_text=_("ISO 3166 country code, or EU."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2,8}$"), name="jurisdiction_code_upper"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("roadmap:jurisdiction", kwargs={"code": self.code.lower()})


class Authority(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="authorities", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
        help_text=_("The department an agency belongs to, as its source names it."),
    )
    agenda_code = models.CharField(
        _("Unified Agenda code"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{1,10}$", _("The agenda's agency code is digits."))],
        help_text=_("The agency's code in the Unified Agenda (the first part of its RINs)."),
    )
    federal_register_slug = models.SlugField(
        _("Federal Register slug"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The agency's slug in the Federal Register API, e.g. treasury-department."),
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.CheckConstraint(
                condition=Q(agenda_code__isnull=True) | Q(agenda_code__regex=r"^\d{1,10}$"),
                name="authority_agenda_code_digits",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="authority_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.acronym} ({self.jurisdiction.code})"

    def get_absolute_url(self):
        return reverse("roadmap:authority", kwargs={"acronym": self.acronym})

    def clean(self):
        refuse_non_uri("website", self.website)


class Roadmap(models.Model):
    title = models.CharField(_("title"), max_length=200)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_zh_hans = models.TextField(
        _("summary (Simplified Chinese)"), blank=True, help_text=_("Markdown.")
    )
    authority = models.ForeignKey(
        Authority, models.PROTECT, related_name="roadmaps", verbose_name=_("lead authority")
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roadmap:roadmap", kwargs={"slug": self.slug})

    def summary_html(self):
        return render_markdown(self.summary)


class WorkstreamManager(models.Manager):
    def get_queryset(self):
        # A workstream is named with its roadmap's title: fetch both in one query everywhere.
        return super().get_queryset().select_related("roadmap")


class Workstream(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="workstreams", verbose_name=_("roadmap")
    )
    title = models.CharField(_("title"), max_length=200)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_zh_hans = models.TextField(
        _("summary (Simplified Chinese)"), blank=True, help_text=_("Markdown.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = WorkstreamManager()

    class Meta:
        ordering = ["roadmap", "position", "title"]
        verbose_name = _("workstream")
        verbose_name_plural = _("workstreams")
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "slug"], name="workstream_slug_per_roadmap")
        ]

    def __str__(self):
        return f"{self.roadmap.title}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "roadmap:workstream", kwargs={"roadmap": self.roadmap.slug, "slug": self.slug}
        )

    def summary_html(self):
        return render_markdown(self.summary)


class Topic(models.Model):
    """A subject that cuts across roadmaps, so jurisdictions can be compared (stablecoins, …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("roadmap:topic", kwargs={"slug": self.slug})


class Status(models.TextChoices):
    """A milestone's lifecycle.

    Usually planned → in progress → consultation open → completed, but not in that order only:
    regulators reopen consultations, resume delayed work and send drafts back for more work, so
    an open milestone may become any other status (``allowed_after``). Completed and cancelled are
    final: a regulator that revives a cancelled plan publishes a new milestone.
    """

    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    CONSULTATION_OPEN = "consultation_open", _("consultation open")
    DELAYED = "delayed", _("delayed")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")

    @classmethod
    def open_values(cls):
        return [s for s in cls.values if s not in cls.final_values()]

    @classmethod
    def final_values(cls):
        return [cls.COMPLETED.value, cls.CANCELLED.value]

    @classmethod
    def allowed_after(cls, status):
        """Return the statuses a milestone in ``status`` may move to: any other while it is open,
        none once it is final."""
        if status in cls.final_values():
            return []
        return [s for s in cls.values if s != status]

    @classmethod
    def check_transition(cls, old: str, new: str) -> None:
        """Raise ``ValidationError`` on the status field if a milestone that is ``old`` may not
        become ``new``; staying the same is always allowed."""
        if new != old and new not in cls.allowed_after(old):
            raise ValidationError(
                {
                    "status": ValidationError(
                        _("A milestone that is %(old)s can't become %(new)s."),
                        code="transition",
                        params={"old": cls(old).label, "new": cls(new).label},
                    )
                }
            )


class LegalDeadline(models.TextChoices):
    """Whether a law or a court, not the authority's own plan, sets the milestone's date."""

    NONE = "", _("none")
    STATUTORY = "statutory", _("statutory")
    JUDICIAL = "judicial", _("judicial")


class Confidence(models.TextChoices):
    OFFICIAL = "official", _("official")
    REPORTED = "reported", _("reported")
    ESTIMATED = "estimated", _("estimated")


def _target_is_well_formed():
    """The database's version of ``Target.validate()``: dates present, aligned to the precision."""
    start, end = "target_start", "target_end"
    same_year = Q(target_start__year=F("target_end__year"))
    first_of_month = Q(target_start__day=1)
    end_of_month = (
        Q(target_end__month__in=[1, 3, 5, 7, 8, 10, 12], target_end__day=31)
        | Q(target_end__month__in=[4, 6, 9, 11], target_end__day=30)
        | Q(target_end__month=2, target_end__day__in=[28, 29])
    )
    dated = Q(**{f"{start}__isnull": False, f"{end}__isnull": False, f"{end}__gte": F(start)})
    return (
        Q(target_precision=Precision.UNDATED, target_start__isnull=True, target_end__isnull=True)
        | (dated & Q(target_precision=Precision.DAY, target_start=F("target_end")))
        | (
            dated
            & Q(target_precision=Precision.MONTH, target_start__month=F("target_end__month"))
            & same_year
            & first_of_month
            & end_of_month
        )
        | (
            dated
            & Q(target_precision=Precision.QUARTER, target_start__month__in=[1, 4, 7, 10])
            & Q(target_end__month=F("target_start__month") + 2)
            & same_year
            & first_of_month
            & end_of_month
        )
        | (
            dated
            & Q(target_precision=Precision.HALF, target_start__month__in=[1, 7])
            & Q(target_end__month=F("target_start__month") + 5)
            & same_year
            & first_of_month
            & end_of_month
        )
        | (
            dated
            & Q(target_precision=Precision.YEAR, target_start__month=1, target_end__month=12)
            & same_year
            & first_of_month
            & end_of_month
        )
    )


# The fields whose changes enter a milestone's history (status, target, progress, actual date).
TRACKED_COLUMNS = (
    "status",
    "target_precision",
    "target_start",
    "target_end",
    "target_qualifier",
    "target_wording",
    "progress",
    "actual_date",
)


class UnrecordedChange(RuntimeError):
    """A stored milestone's tracked field was saved past ``roadmap.services``, which would have
    left the change out of its history, the digests and the forecasts."""


class MilestoneQuerySet(models.QuerySet):
    """The read filters every page, feed, API and digest shares."""

    def open(self):
        return self.exclude(status__in=Status.final_values())

    def with_deadline(self):
        """Milestones that must happen by a day: dated, and not only "not before" one."""
        return self.filter(target_end__isnull=False).exclude(target_qualifier=Qualifier.NOT_BEFORE)

    def due_between(self, first: datetime.date, last: datetime.date):
        """Open, still-listed milestones whose deadline falls between ``first`` and ``last``."""
        return self.open().listed().with_deadline().filter(target_end__range=(first, last))

    def listed(self):
        """Milestones their source still lists (not dropped from a later agenda edition)."""
        return self.filter(dropped_on__isnull=True)

    def overdue(self, today: datetime.date):
        """Open, still-listed milestones whose deadline has passed.

        A row its source reports as done is completed, and one its source stopped listing is
        dropped: neither is overdue.
        """
        return self.open().listed().with_deadline().filter(target_end__lt=today)


class Milestone(models.Model):
    workstream = models.ForeignKey(
        Workstream, models.PROTECT, related_name="milestones", verbose_name=_("workstream")
    )
    authority = models.ForeignKey(
        Authority, models.PROTECT, related_name="milestones", verbose_name=_("authority")
    )
    topics = models.ManyToManyField(
        Topic, related_name="milestones", blank=True, verbose_name=_("topics")
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_zh_hans = models.TextField(
        _("summary (Simplified Chinese)"), blank=True, help_text=_("Markdown.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)], help_text=_("0–100 %.")
    )
    confidence = models.CharField(
        _("confidence"),
        max_length=10,
        choices=Confidence.choices,
        default=Confidence.REPORTED,
        help_text=_("How sure the target is: published by the authority, reported, or estimated."),
    )
    target_precision = models.CharField(
        _("target precision"), max_length=10, choices=Precision.choices, default=Precision.UNDATED
    )
    target_start = models.DateField(_("target start"), null=True, blank=True)
    target_end = models.DateField(_("target end"), null=True, blank=True, db_index=True)
    target_qualifier = models.CharField(
        _("target qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.ON
    )
    target_wording = models.CharField(
        _("target as published"),
        max_length=200,
        blank=True,
        help_text=_("The words the source used, e.g. “before Q3 2025”."),
    )
    actual_date = models.DateField(
        _("actual date"), null=True, blank=True, help_text=_("When it was completed.")
    )
    legal_deadline = models.CharField(
        _("legal deadline"),
        max_length=10,
        choices=LegalDeadline.choices,
        default=LegalDeadline.NONE,
        blank=True,
        help_text=_("Set when a statute or a court sets the date, not the authority's own plan."),
    )
    dropped_on = models.DateField(
        _("dropped on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When its source stopped listing it; empty while it is listed."),
    )
    depends_on = models.ManyToManyField(
        "self",
        through="Dependency",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        verbose_name=_("depends on"),
    )
    slip_count = models.PositiveIntegerField(_("slips"), default=0, editable=False)
    slip_days = models.IntegerField(
        _("days slipped"),
        default=0,
        editable=False,
        help_text=_("How far the target's end has moved since it was first set, in days."),
    )
    baseline = models.JSONField(
        _("first published target"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The first dated target it was published with, kept whatever happens later."),
    )
    clock_combine = models.CharField(
        _("clock takes"),
        max_length=10,
        choices=Combine.choices,
        default=Combine.EARLIER,
        help_text=_("When its target is a clock of several terms: the earlier or the later."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["target_end", "target_start", "title"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["status", "target_end"], name="milestone_status_due"),
            models.Index(fields=["updated_at"], name="milestone_updated"),
            # The timeline's undated milestones by title: a third of an agenda edition's rows.
            models.Index(
                fields=["title"], condition=Q(target_end__isnull=True), name="milestone_undated"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress_0_100"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="milestone_status_known"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Confidence.values), name="milestone_confidence_known"
            ),
            models.CheckConstraint(
                condition=Q(legal_deadline__in=LegalDeadline.values),
                name="milestone_legal_deadline_known",
            ),
            models.CheckConstraint(
                condition=Q(target_qualifier__in=Qualifier.values),
                name="milestone_qualifier_known",
            ),
            models.CheckConstraint(
                condition=_target_is_well_formed(), name="milestone_target_well_formed"
            ),
            models.CheckConstraint(
                condition=Q(clock_combine__in=Combine.values), name="milestone_clock_combine_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=Status.COMPLETED, actual_date__isnull=False, progress=100)
                    | (~Q(status=Status.COMPLETED) & Q(actual_date__isnull=True))
                ),
                name="milestone_completed_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, recorded: bool = False, **kwargs):
        """Save; refuse a change to a tracked field unless ``recorded`` says that the caller (only
        ``roadmap.services`` may) writes its history in the same transaction."""
        update_fields = kwargs.get("update_fields")
        saved = TRACKED_COLUMNS if update_fields is None else update_fields
        if not recorded:
            stored = getattr(self, "_stored_tracked", {})
            changed = [
                name
                for name, value in self._tracked_values(saved).items()
                if name in stored and stored[name] != value
            ]
            if changed:
                raise UnrecordedChange(
                    f"{self!r} changed {', '.join(changed)} outside roadmap.services: "
                    "record the change with a service so that its history has it."
                )
        super().save(*args, **kwargs)
        self._remember_stored(saved)

    def get_absolute_url(self):
        return reverse("roadmap:milestone", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        milestone = super().from_db(db, field_names, values)
        milestone._stored_tracked = milestone._tracked_values(TRACKED_COLUMNS)
        return milestone

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_stored(TRACKED_COLUMNS if fields is None else fields)

    @property
    def roadmap(self):
        return self.workstream.roadmap

    @property
    def jurisdiction(self):
        return self.authority.jurisdiction

    @property
    def target(self) -> Target:
        return Target(
            precision=Precision(self.target_precision),
            start=self.target_start,
            end=self.target_end,
            qualifier=Qualifier(self.target_qualifier),
            wording=self.target_wording,
        )

    @target.setter
    def target(self, target: Target):
        self.target_precision = target.precision
        self.target_start = target.start
        self.target_end = target.end
        self.target_qualifier = target.qualifier
        self.target_wording = target.wording

    @property
    def is_open(self):
        return self.status not in Status.final_values()

    @property
    def is_listed(self):
        return self.dropped_on is None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.is_open
            and self.is_listed
            and self.target.is_overdue(today or timezone.localdate())
        )

    def summary_html(self):
        return render_markdown(self.summary)

    def _tracked_values(self, names) -> dict:
        """The tracked fields among ``names`` that this instance holds (a deferred one it lacks)."""
        held = self.__dict__
        return {name: held[name] for name in TRACKED_COLUMNS if name in names and name in held}

    def _remember_stored(self, names) -> None:
        self._stored_tracked = {
            **getattr(self, "_stored_tracked", {}),
            **self._tracked_values(names),
        }

    def clean(self):
        errors = {}
        try:
            self.target.validate()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if self.status == Status.COMPLETED:
            if self.actual_date is None:
                errors.setdefault("actual_date", []).append(
                    _("A completed milestone needs the date it was completed.")
                )
            if self.progress != 100:
                errors.setdefault("progress", []).append(
                    _("A completed milestone has a progress of 100.")
                )
        elif self.actual_date is not None:
            errors.setdefault("actual_date", []).append(
                _("Only a completed milestone has an actual date.")
            )
        if errors:
            raise ValidationError(errors)


class Dependency(models.Model):
    """``milestone`` can't finish before ``prerequisite`` does."""

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="prerequisite_links", verbose_name=_("milestone")
    )
    prerequisite = models.ForeignKey(
        Milestone, models.CASCADE, related_name="dependent_links", verbose_name=_("depends on")
    )

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "prerequisite"], name="dependency_once"),
            models.CheckConstraint(
                condition=~Q(milestone=F("prerequisite")), name="dependency_not_on_itself"
            ),
        ]

    def __str__(self):
        return f"{self.milestone} ← {self.prerequisite}"

    def clean(self):
        if self.milestone_id and self.milestone_id == self.prerequisite_id:
            raise ValidationError({"prerequisite": _("A milestone can't depend on itself.")})
        if self.milestone_id and self.prerequisite_id and self._would_loop():
            raise ValidationError(
                {
                    "prerequisite": _(
                        "That dependency would make a loop: it already depends on this one."
                    )
                }
            )

    def _would_loop(self) -> bool:
        """Tell whether the prerequisite already depends, directly or not, on the milestone."""
        seen, frontier = set(), {self.prerequisite_id}
        while frontier:
            if self.milestone_id in frontier:
                return True
            seen |= frontier
            frontier = (
                set(
                    Dependency.objects.filter(milestone_id__in=frontier).values_list(
                        "prerequisite_id", flat=True
                    )
                )
                - seen
            )
        return False


class Source(models.Model):
    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="sources", verbose_name=_("milestone")
    )
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def clean(self):
        refuse_non_uri("url", self.url)


class UpdateKind(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DROPPED = "dropped", _("dropped by its source")
    RELISTED = "relisted", _("listed again by its source")
    NOTE = "note", _("note")

    @classmethod
    def news_values(cls):
        """The kinds a reader is told about as changes (dashboards, digests, change streams)."""
        return [cls.CHANGED.value, cls.DROPPED.value, cls.RELISTED.value]


class MilestoneUpdate(models.Model):
    """One entry in a milestone's history: what changed (old → new), why, who, when."""

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="updates", verbose_name=_("milestone")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UpdateKind.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    observed_at = models.DateTimeField(
        _("observed at"),
        default=timezone.now,
        db_index=True,
        help_text=_(
            "When its source published what this entry records: an agenda edition's date, a "
            "document's publication date, an editor's change time."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    source = models.ForeignKey(
        Source, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    note = models.TextField(_("note"), blank=True)
    old_status = models.CharField(
        _("old status"), max_length=20, choices=Status.choices, blank=True
    )
    new_status = models.CharField(
        _("new status"), max_length=20, choices=Status.choices, blank=True
    )
    old_target = models.JSONField(_("old target"), null=True, blank=True)
    new_target = models.JSONField(_("new target"), null=True, blank=True)
    slip_days = models.IntegerField(
        _("slip (days)"),
        null=True,
        blank=True,
        help_text=_("How far the target's end moved: positive is later, negative earlier."),
    )
    old_progress = models.PositiveSmallIntegerField(_("old progress"), null=True, blank=True)
    new_progress = models.PositiveSmallIntegerField(_("new progress"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        get_latest_by = "recorded_at"
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")
        indexes = [models.Index(fields=["milestone", "-recorded_at"], name="update_history")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="update_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=UpdateKind.CHANGED)
                | ~Q(new_status="")
                | Q(new_target__isnull=False)
                | Q(new_progress__isnull=False),
                name="update_changes_something",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[UpdateKind.NOTE, UpdateKind.DROPPED, UpdateKind.RELISTED])
                | ~Q(note=""),
                name="update_note_has_text",
            ),
            models.CheckConstraint(
                condition=Q(new_status="") | ~Q(old_status=F("new_status")),
                name="update_status_differs",
            ),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_kind_display()} {self.recorded_at:%Y-%m-%d}"

    @property
    def old_target_value(self) -> Target | None:
        return Target.from_dict(self.old_target)

    @property
    def new_target_value(self) -> Target | None:
        return Target.from_dict(self.new_target)

    @property
    def is_slip(self) -> bool:
        return bool(self.slip_days and self.slip_days > 0)

    def describe(self) -> str:
        """Return what changed in one line, in the active language.

        "status planned → completed; target by Q2 2025 → by Q3 2025 (+92 days)". A row its source
        dropped or listed again is described by the note the importer wrote ("dropped from the
        agenda in the Fall 2026 edition").
        """
        if self.kind in (UpdateKind.DROPPED, UpdateKind.RELISTED):
            return self.note
        parts = []
        if self.new_status:
            old = Status(self.old_status).label if self.old_status else "—"
            parts.append(
                _("status %(old)s → %(new)s") % {"old": old, "new": self.get_new_status_display()}
            )
        new_target, old_target = self.new_target_value, self.old_target_value
        if new_target is not None:
            old = old_target.words() if old_target is not None else "—"
            line = _("target %(old)s → %(new)s") % {"old": old, "new": new_target.words()}
            if self.slip_days:
                line += " " + _("(%(days)+d days)") % {"days": self.slip_days}
            parts.append(line)
        if self.new_progress is not None:
            old = "—" if self.old_progress is None else f"{self.old_progress}%"
            parts.append(_("progress %(old)s → %(new)s%%") % {"old": old, "new": self.new_progress})
        return "; ".join(str(part) for part in parts)


EDITION_PATTERN = r"^\d{4}(0[1-9]|1[0-2])$"
RIN_PATTERN = r"^\d{4}-[A-Z]{2}\d{2}$"


class AgendaRule(models.Model):
    """A rule of the US Unified Agenda, as the newest edition imported for it describes it.

    Its workstream holds one milestone per row of its timetable. ``edition`` (the agenda's
    ``PUBLICATION_ID``, YYYYMM) orders observations: an older edition imported later moves nothing.
    """

    workstream = models.OneToOneField(
        Workstream, models.CASCADE, related_name="agenda_rule", verbose_name=_("workstream")
    )
    rin = models.CharField(
        _("RIN"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(RIN_PATTERN, _("A RIN looks like 3235-AM12."))],
        help_text=_("Regulation Identifier Number."),
    )
    edition = models.CharField(
        _("newest edition"),
        max_length=6,
        validators=[RegexValidator(EDITION_PATTERN, _("An edition is YYYYMM, e.g. 202504."))],
        help_text=_("The agenda edition (YYYYMM) that last described this rule."),
    )
    agency = models.ForeignKey(
        Authority, models.PROTECT, related_name="agenda_rules", verbose_name=_("agency")
    )
    stage = models.CharField(_("rule stage"), max_length=100, blank=True)
    priority = models.CharField(_("priority"), max_length=200, blank=True)
    abstract_fingerprint = models.CharField(
        _("abstract fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "SHA-256 of the abstract as the newest edition wrote it: the workstream's summary is "
            "read from it again only when it changes."
        ),
    )

    class Meta:
        ordering = ["rin"]
        verbose_name = _("agenda rule")
        verbose_name_plural = _("agenda rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(rin__regex=RIN_PATTERN), name="agenda_rule_rin_well_formed"
            ),
            models.CheckConstraint(
                condition=Q(edition__regex=EDITION_PATTERN), name="agenda_rule_edition_yyyymm"
            ),
        ]

    def __str__(self):
        return self.rin

    @property
    def edition_name(self) -> str:
        return edition_name(self.edition)


def edition_name(edition: str) -> str:
    """ "Spring 2025" for 202504: the agenda's own name for an edition (spring or fall)."""
    year, month = int(edition[:4]), int(edition[4:6])
    season = _("Spring") if month <= 6 else _("Fall")
    return f"{season} {year}"


class ImportState(models.TextChoices):
    QUEUED = "queued", _("waiting for a worker")
    RUNNING = "running", _("importing")
    DONE = "done", _("done")
    FAILED = "failed", _("refused")


class ImportJob(models.Model):
    """An editor's upload of government data, imported by a worker rather than in the request.

    The file is kept as ``ImportChunk`` rows until the import ends, so any worker of any machine
    can read it; the report is kept afterwards.
    """

    kind = models.CharField(_("what the file is"), max_length=20)
    options = models.JSONField(_("options"), default=dict, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED
    )
    progress = models.PositiveIntegerField(
        _("read so far"), default=0, help_text=_("Rules or documents read so far.")
    )
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("why it was refused"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="import_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[ImportState.QUEUED, ImportState.RUNNING])
                | Q(finished_at__isnull=False),
                name="import_finished_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ImportChunk(models.Model):
    """One piece (at most 1 MiB) of an import's file, in order."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_chunk_once")
        ]

    def __str__(self):
        return f"{self.job_id}:{self.position}"


class ClockTerm(models.Model):
    """One term of a milestone's clock: ``offset`` ``unit`` after ``trigger``, or the day ``on``.

    A milestone with terms has a target its clock sets (``roadmap.forecasts.clocks``); the terms
    of one milestone combine by its ``clock_combine``.
    """

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="clock_terms", verbose_name=_("milestone")
    )
    trigger = models.ForeignKey(
        Milestone,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="clocked_by",
        verbose_name=_("after"),
        help_text=_("The milestone the clock counts from: its actual date, else its target."),
    )
    offset = models.PositiveIntegerField(
        _("offset"), default=0, validators=[MaxValueValidator(MAX_OFFSET)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.DAYS)
    on = models.DateField(
        _("or on"), null=True, blank=True, help_text=_("A fixed date instead of an offset.")
    )

    class Meta:
        ordering = ["milestone", "id"]
        verbose_name = _("clock term")
        verbose_name_plural = _("clock terms")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(trigger__isnull=False, on__isnull=True, unit__in=Unit.values)
                    | Q(trigger__isnull=True, on__isnull=False, offset=0)
                ),
                name="clock_term_offset_or_date",
            ),
            models.CheckConstraint(
                condition=Q(offset__lte=MAX_OFFSET), name="clock_term_offset_bounded"
            ),
            models.CheckConstraint(
                condition=~Q(trigger=F("milestone")), name="clock_term_not_on_itself"
            ),
        ]

    def __str__(self):
        if self.trigger_id is None:
            return str(self.on)
        return f"{self.offset} {self.unit} after {self.trigger}"

    def clean(self):
        if (self.trigger_id is None) == (self.on is None):
            raise ValidationError(
                {"on": _("A clock term counts from a milestone or is a fixed date: give one.")}
            )
        if self.on is not None and self.offset:
            raise ValidationError({"offset": _("A fixed date has no offset.")})
        if self.trigger_id is not None and self.trigger_id == self.milestone_id:
            raise ValidationError({"trigger": _("A clock can't count from its own milestone.")})


class Forecast(models.Model):
    """When an open, dated milestone is likely to happen, from the tracker's own history.

    ``p50`` and ``p80`` are empty when too few comparable outcomes exist; ``level``, ``step``,
    ``slipped`` and ``aged`` name the group the figures come from (see
    ``roadmap.forecasts.forecast``).
    """

    milestone = models.OneToOneField(
        Milestone,
        models.CASCADE,
        primary_key=True,
        related_name="forecast",
        verbose_name=_("milestone"),
    )
    p50 = models.DateField(_("P50"), null=True, blank=True)
    p80 = models.DateField(_("P80"), null=True, blank=True)
    target_end = models.DateField(_("target end forecast from"))
    sample_size = models.PositiveIntegerField(_("comparable targets"), default=0)
    outcomes = models.PositiveIntegerField(_("known outcomes"), default=0)
    level = models.CharField(_("group"), max_length=20, blank=True)
    step = models.CharField(_("kind of step"), max_length=20, blank=True)
    slipped = models.BooleanField(_("slipped before"), null=True, blank=True)
    aged = models.BooleanField(_("a year old or more"), null=True, blank=True)
    late_since = models.DateTimeField(
        _("P80 past the target's period since"), null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.CheckConstraint(
                condition=Q(p50__isnull=True, p80__isnull=True)
                | Q(p50__isnull=False, p80__isnull=False, p80__gte=F("p50")),
                name="forecast_p80_not_before_p50",
            )
        ]

    def __str__(self):
        return f"{self.milestone_id}: {self.p50} / {self.p80}"


class ForecastGroup(models.Model):
    """The distribution of delays of one group of comparable targets, as of the nightly refresh.

    ``curve`` is the survival curve ``[[delay_days, share_still_open], …]``, censoring included.
    """

    key = models.CharField(_("group"), max_length=200, unique=True)
    sample_size = models.PositiveIntegerField(_("comparable targets"))
    outcomes = models.PositiveIntegerField(_("known outcomes"))
    curve = models.JSONField(_("survival curve"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("forecast group")
        verbose_name_plural = _("forecast groups")

    def __str__(self):
        return self.key
