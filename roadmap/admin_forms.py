"""Forms editors fill in the admin: a milestone with its target in words, and the bulk actions."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from roadmap import versions
from roadmap.importers.kinds import ImportKind
from roadmap.models import Milestone, Status
from roadmap.targets import Target

TARGET_HELP = _(
    "As the source words it: a day (2025-01-21), a month (July 2026), a quarter (Q3 2025, "
    "“before Q3 2025”), a half (H2 2026) or a year (2026), optionally after “by” or “not before”. "
    "Leave empty, or write TBD, when there is no date yet."
)


class MilestoneAdminForm(forms.ModelForm):
    target_text = forms.CharField(
        label=_("Target"), required=False, max_length=200, help_text=TARGET_HELP
    )
    change_note = forms.CharField(
        label=_("Note for the history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why the status, target or progress changed; shown in the milestone's history."
        ),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Milestone
        fields = [
            "title",
            "title_zh_hans",
            "slug",
            "workstream",
            "authority",
            "topics",
            "summary",
            "summary_zh_hans",
            "status",
            "progress",
            "actual_date",
            "confidence",
            "clock_combine",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            target = self.instance.target
            self.fields["target_text"].initial = target.wording or target.as_text()
            self.fields["version"].initial = versions.milestone_version(self.instance)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Made from the title when left empty.")

    def clean_target_text(self):
        return Target.parse(self.cleaned_data["target_text"])

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if not slug and self.instance.pk:
            raise ValidationError(_("A published milestone keeps its address: give it a slug."))
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_a_stale_copy(cleaned.get("version", ""))
        new_status = cleaned.get("status")
        if self.instance.pk and new_status:
            try:
                Status.check_transition(self.instance.status, new_status)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def _refuse_a_stale_copy(self, opened: str) -> None:
        """Refuse the form if the milestone changed since it was opened (the admin's change view
        runs in a transaction, so the row stays locked until this form's changes are saved)."""
        stored = versions.milestone_lock(self.instance.pk)
        if opened == versions.milestone_version(stored):
            return
        since = self._opened_at(opened)
        raise ValidationError(
            _(
                "This milestone was %(change)s since you opened it. Your changes were not "
                "saved: open it again to see the new version, then make yours again."
            )
            % {"change": versions.changed_since_message(stored, since=since)},
            code="stale",
        )

    @staticmethod
    def _opened_at(opened: str):
        try:
            return datetime.datetime.fromisoformat(opened)
        except ValueError:
            return None

    def _post_clean(self):
        target = self.cleaned_data.get("target_text")
        if isinstance(target, Target):
            self.instance.target = target
        super()._post_clean()


class ChangeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    actual_date = forms.DateField(
        label=_("Completed on"),
        required=False,
        help_text=_("For “completed”: the day it happened (today if empty)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ShiftTargetForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days"),
        min_value=-3650,
        max_value=3650,
        help_text=_("Positive moves the targets later (a slip), negative earlier."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the targets moved, for the history."),
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days == 0:
            raise ValidationError(_("Shift by at least one day."))
        return days


class ImportForm(forms.Form):
    """Upload a Unified Agenda edition or Federal Register JSON, as the import commands take."""

    kind = forms.ChoiceField(label=_("What the file is"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File"))
    agency = forms.CharField(
        label=_("Only this agency"), required=False, max_length=20, help_text=_("e.g. SEC")
    )
    rin_prefix = forms.CharField(label=_("Only RINs starting with"), required=False, max_length=9)
    keyword = forms.CharField(label=_("Only rules mentioning"), required=False, max_length=100)
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_("Import the rest of a file with invalid rows, listing each one skipped."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, initial=True, help_text=_("Report only; write nothing.")
    )

    def options(self) -> dict:
        """The importer's options, as ``roadmap.importers.kinds.import_file`` takes them."""
        data = self.cleaned_data
        names = ["skip_invalid", "dry_run"]
        if data["kind"] == ImportKind.UNIFIED_AGENDA:
            names += ["agency", "rin_prefix", "keyword"]
        return {name: data[name] for name in names}
