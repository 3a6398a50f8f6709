"""The subscribe and preferences forms: what to follow, how often, when, in which language."""

from __future__ import annotations

import zoneinfo
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from roadmap.content_language import local
from roadmap.forms import NamedChoices, workstream_name
from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
from tracker.models import DigestFrequency, Weekday, validate_lead_days
from tracker.services import Follows

DEFAULT_REMINDERS = [30, 7, 1]


def _timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


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
        queryset=Workstream.objects.all(),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Single milestones are picked on their pages: list only the ones asked for, but accept
        # any milestone that exists.
        if self.is_bound:
            wanted = self.data.getlist("milestones") if hasattr(self.data, "getlist") else []
        else:
            wanted = [getattr(item, "slug", item) for item in self.initial.get("milestones", [])]
        self.fields["milestones"].queryset = Milestone.objects.filter(slug__in=wanted[:200])

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


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    # A new subscriber's milestones come ticked from the page that linked here.
    add_milestone = None

    field_order = ["email"]
