"""The dashboard's filter form: every value from the query string is checked before it is used."""

import functools
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from roadmap.content_language import local
from roadmap.models import Jurisdiction, Roadmap, Status, Topic, Workstream
from roadmap.selectors import MilestoneFilter

MAX_SEARCH_LENGTH = 100
# A select of more workstreams than this is of no use to a reader, and slow to send (a whole
# agenda edition has thousands): past it the select offers only the chosen one, and the search
# box finds milestones by their workstream's name.
WORKSTREAM_CHOICES = 100


class NamedChoices:
    """Name each record of a model choice field by ``name_of`` (in the reader's language)."""

    def __init__(self, *args, name_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_of = name_of

    def label_from_instance(self, obj):
        return self.name_of(obj)


class NamedChoiceField(NamedChoices, forms.ModelChoiceField):
    pass


def workstream_name(workstream: Workstream) -> str:
    """Return the workstream's name after its roadmap's, in the reader's language."""
    return f"{local(workstream.roadmap, 'title')}: {local(workstream, 'title')}"


class DashboardFilterForm(forms.Form):
    roadmap = NamedChoiceField(
        name_of=lambda roadmap: local(roadmap, "title"),
        label=_("Roadmap"),
        queryset=Roadmap.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All roadmaps"),
    )
    workstream = NamedChoiceField(
        name_of=workstream_name,
        label=_("Workstream"),
        queryset=Workstream.objects.all(),
        required=False,
        empty_label=_("All workstreams"),
    )
    jurisdiction = NamedChoiceField(
        name_of=lambda jurisdiction: local(jurisdiction, "name"),
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All jurisdictions"),
    )
    topic = NamedChoiceField(
        name_of=lambda topic: local(topic, "name"),
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].widget.choices = self._workstream_choices

    @functools.cached_property
    def workstreams_unlisted(self) -> bool:
        """Whether there are too many workstreams to offer them all."""
        return len(self._offered_workstreams) > WORKSTREAM_CHOICES

    @functools.cached_property
    def _offered_workstreams(self) -> list[Workstream]:
        return list(Workstream.objects.all()[: WORKSTREAM_CHOICES + 1])

    def _workstream_choices(self) -> list[tuple]:
        offered = self._offered_workstreams
        if self.workstreams_unlisted:
            chosen = getattr(self, "cleaned_data", {}).get("workstream")
            offered = [chosen] if chosen else []
        field = cast(forms.ModelChoiceField, self.fields["workstream"])
        return [("", field.empty_label), *((ws.pk, workstream_name(ws)) for ws in offered)]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("due_from"), cleaned.get("due_to")
        if first and last and last < first:
            raise ValidationError(_("“Due until” can't be before “Due from”."))
        return cleaned

    def milestone_filter(self) -> MilestoneFilter:
        """Return the filters that passed validation; a rejected value filters nothing."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        return MilestoneFilter(
            roadmap=data.get("roadmap"),
            workstream=data.get("workstream"),
            jurisdiction=data.get("jurisdiction"),
            topic=data.get("topic"),
            statuses=data.get("status") or [],
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            text=data.get("q") or "",
        )

    def _valid_part(self) -> dict:
        valid = {
            name: value for name, value in self.cleaned_data.items() if name not in self.errors
        }
        if self.non_field_errors():
            # The only rule across fields is the date range: drop both ends, keep the rest.
            valid.pop("due_from", None)
            valid.pop("due_to", None)
        return valid
