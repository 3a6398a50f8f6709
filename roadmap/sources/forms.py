"""The form an editor fills in to accept a suggestion: the change, prefilled from the item."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from roadmap.admin_forms import TARGET_HELP
from roadmap.models import Milestone, Status
from roadmap.sources.models import Suggestion
from roadmap.targets import Target


class AcceptSuggestionForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.open())
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", _("Unchanged")), *Status.choices],
    )
    target_text = forms.CharField(
        label=_("New target"),
        required=False,
        max_length=200,
        # Joined lazily: ``+`` would translate both halves once, at import.
        help_text=format_lazy("{}{}", _("Empty leaves the target as it is. "), TARGET_HELP),
    )
    progress = forms.IntegerField(label=_("Progress"), required=False, min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Note for the history"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        matched = suggestion.milestones.open()
        self.fields["milestone"].initial = matched.first()
        self.fields["note"].initial = suggestion.title

    def clean_target_text(self):
        text = self.cleaned_data["target_text"]
        return Target.parse(text) if text.strip() else None

    def changes(self) -> dict:
        """The tracked fields the editor changed, as ``suggestion_accept`` takes them."""
        data = self.cleaned_data
        changes = {}
        if data["status"]:
            changes["status"] = data["status"]
        if data["target_text"] is not None:
            changes["target"] = data["target_text"]
        if data["progress"] is not None:
            changes["progress"] = data["progress"]
        return changes
