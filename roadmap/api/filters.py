"""The milestone list's filters. A value that can't be read is a 400 naming the filter."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from roadmap.models import Milestone, MilestoneUpdate, Status, UpdateKind


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number within what the column holds, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**31 - 1, **kwargs)


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: any offset the format allows is fine here, even one
    the database would refuse to store (PostgreSQL stops at ±15:59)."""

    def filter(self, qs, value):
        return super().filter(qs, value.astimezone(datetime.UTC) if value else value)


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given with no value is a 400 naming it, not a filter silently left out."""

    def is_valid(self):
        for name in self.filters:
            if "" in self.data.getlist(name):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
        return super().is_valid()


class MilestoneFilterSet(StrictFilterSet):
    """The milestone list's query parameters (pages filter with ``selectors.MilestoneFilter``)."""

    roadmap = django_filters.CharFilter(
        field_name="workstream__roadmap__slug", help_text="Roadmap slug."
    )
    workstream = IdFilter(field_name="workstream_id", help_text="Workstream id.")
    jurisdiction = django_filters.CharFilter(
        field_name="authority__jurisdiction__code",
        lookup_expr="iexact",
        help_text="Jurisdiction code, e.g. US.",
    )
    authority = django_filters.CharFilter(
        field_name="authority__acronym", lookup_expr="iexact", help_text="Authority acronym."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="One or more statuses (repeat the parameter)."
    )
    due_after = django_filters.DateFilter(
        method="filter_due_after", help_text="Deadline on or after this day (YYYY-MM-DD)."
    )
    due_before = django_filters.DateFilter(
        method="filter_due_before", help_text="Deadline on or before this day (YYYY-MM-DD)."
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_overdue",
        help_text="true: only open milestones past their deadline; false: all the others.",
    )
    changed_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only milestones changed at or after this time (ISO 8601), for incremental sync.",
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, help_text="Words in the title or summary."
    )

    class Meta:
        model = Milestone
        fields: list[str] = []

    def filter_due_after(self, queryset, name, value):
        return queryset.with_deadline().filter(target_end__gte=value)

    def filter_due_before(self, queryset, name, value):
        return queryset.with_deadline().filter(target_end__lte=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Milestone.objects.overdue(timezone.localdate()).values("pk")
        if value == "true":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class ChangeFilter(StrictFilterSet):
    since = MomentFilter(
        field_name="recorded_at",
        lookup_expr="gte",
        help_text="Only changes recorded at or after this time (ISO 8601).",
    )
    kind = django_filters.ChoiceFilter(choices=UpdateKind.choices, help_text="Only this kind.")
    milestone = django_filters.CharFilter(
        field_name="milestone__slug", help_text="Only this milestone's changes (slug)."
    )

    class Meta:
        model = MilestoneUpdate
        fields: list[str] = []
