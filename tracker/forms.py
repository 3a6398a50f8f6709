"""The subscribe and preferences forms: what to follow, how often, when, in which language."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roadmap.content_language import local
from roadmap.forms import NamedChoices, workstream_name
from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
from tracker.models import DigestFrequency, Weekday, known_timezones, validate_lead_days
from tracker.services import Follows

DEFAULT_REMINDERS = [30, 7, 1]
WORKSTREAMS_FOUND = 50


def _timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones())]


class LeadDaysField(forms.CharField):
    """“30, 7, 1” → [30, 7, 1]; empty means no reminders."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
        try:
            days = [int(part) for part in parts]
        except ValueError as error:
            raise ValidationError(
                _("Write whole numbers of days separated by commas, e.g. 30, 7, 1."),
                code="invalid",
            ) from error
        validate_lead_days(days)
        return sorted(days, reverse=True)


class NamedMultipleChoiceField(NamedChoices, forms.ModelMultipleChoiceField):
    pass


class PreferencesForm(forms.Form):
    everything = forms.BooleanField(label=_("Everything on every roadmap"), required=False)
    roadmaps = NamedMultipleChoiceField(
        name_of=lambda roadmap: local(roadmap, "title"),
        label=_("Roadmaps"),
        queryset=Roadmap.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workstreams = NamedMultipleChoiceField(
        name_of=workstream_name,
        label=_("Workstreams"),
        queryset=Workstream.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    jurisdictions = NamedMultipleChoiceField(
        name_of=lambda jurisdiction: local(jurisdiction, "name"),
        label=_("Jurisdictions"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    milestones = NamedMultipleChoiceField(
        name_of=lambda milestone: local(milestone, "title"),
        label=_("Single milestones"),
        queryset=Milestone.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add_milestone = forms.CharField(
        label=_("Add a milestone"),
        required=False,
        max_length=300,
        help_text=_("Paste the address of the milestone's page."),
    )
    digest_frequency = forms.ChoiceField(
        label=_("Digest of what changed"),
        choices=DigestFrequency.choices,
        initial=DigestFrequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Weekly digest on"), choices=Weekday.choices, coerce=int, initial=Weekday.MONDAY
    )
    reminder_days = LeadDaysField(
        label=_("Reminders, days before a target"),
        required=False,
        max_length=40,
        initial=DEFAULT_REMINDERS,
        help_text=_("For example 30, 7, 1. Leave empty for no reminders."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices, initial="UTC")
    send_hour = forms.TypedChoiceField(
        label=_("Send at (your local time)"),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        initial=8,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, find: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Single milestones are picked on their pages, and workstreams (thousands after an
        # agenda import) found by name: list only the ones chosen or found, but accept any that
        # exists.
        wanted = self._chosen("milestones", "slug")
        self._choices("milestones").queryset = Milestone.objects.filter(slug__in=wanted[:200])
        chosen = [pk for pk in map(str, self._chosen("workstreams", "pk")) if pk.isdigit()]
        self._choices("workstreams").queryset = (
            Workstream.objects.select_related("roadmap")
            .filter(pk__in=[*chosen[:200], *find_workstreams(find)])
            .order_by("roadmap__title", "title")
        )

    def _choices(self, name: str) -> forms.ModelMultipleChoiceField:
        field = self.fields[name]
        if not isinstance(field, forms.ModelMultipleChoiceField):
            raise TypeError(f"{name} is not a choice of objects")
        return field

    def _chosen(self, name: str, key: str) -> list:
        if self.is_bound:
            return self.data.getlist(name) if hasattr(self.data, "getlist") else []
        return [getattr(item, key, item) for item in self.initial.get(name, [])]

    def clean_add_milestone(self) -> Milestone | None:
        """The milestone whose page address (or short name, the end of it) was pasted."""
        text = self.cleaned_data["add_milestone"].strip()
        if not text:
            return None
        path = urlsplit(text).path
        slug = path.rpartition("/milestones/")[2].strip("/").partition("/")[0]
        milestone = Milestone.objects.filter(slug=slug).first()
        if milestone is None:
            raise ValidationError(
                _("No milestone has this address. Copy it from the milestone's page."),
                code="unknown_milestone",
            )
        return milestone

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        follows = self.follows()
        if follows.is_empty():
            raise ValidationError(
                _(
                    "Choose what to follow: everything, or at least one roadmap, workstream, "
                    "jurisdiction or milestone."
                ),
                code="nothing_followed",
            )
        if data["digest_frequency"] == DigestFrequency.NEVER and not data["reminder_days"]:
            raise ValidationError(
                _("With no digest and no reminders there is nothing to send: choose one."),
                code="nothing_to_send",
            )
        return data

    def follows(self) -> Follows:
        data = self.cleaned_data
        return Follows(
            everything=data["everything"],
            roadmaps=list(data["roadmaps"]),
            workstreams=list(data["workstreams"]),
            jurisdictions=list(data["jurisdictions"]),
            milestones=self._milestones(),
        )

    def _milestones(self) -> list[Milestone]:
        """The milestones ticked, and the one added by its address if it was not among them."""
        ticked = list(self.cleaned_data["milestones"])
        added = self.cleaned_data.get("add_milestone")
        return [*ticked, added] if added and added not in ticked else ticked

    def preferences(self) -> dict:
        names = ("digest_frequency", "digest_weekday", "reminder_days", "timezone", "send_hour")
        return {name: self.cleaned_data[name] for name in (*names, "language")}


def find_workstreams(text: str) -> list[int]:
    """The ids of the first workstreams whose name, or their roadmap's, contains ``text``."""
    if not text:
        return []
    names = Q()
    for field in ("title", "title_zh_hans", "roadmap__title", "roadmap__title_zh_hans"):
        names |= Q(**{f"{field}__icontains": text})
    found = Workstream.objects.filter(names).order_by("roadmap__title", "title")
    return list(found.values_list("pk", flat=True)[:WORKSTREAMS_FOUND])


class WorkstreamSearchForm(forms.Form):
    """The picker's search box: a GET form, so finding workstreams needs no JavaScript."""

    find = forms.CharField(
        label=_("Find workstreams to follow"),
        required=False,
        max_length=100,
        help_text=_(
            "Type part of a workstream's or roadmap's name, then Find: they are listed "
            "under Workstreams to tick."
        ),
    )

    def text(self) -> str:
        return self.cleaned_data["find"].strip() if self.is_valid() else ""


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    # A new subscriber's milestones come ticked from the page that linked here.
    add_milestone = None  # type: ignore[assignment]  # Django drops the inherited field

    field_order = ["email"]
