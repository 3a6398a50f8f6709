"""The watches' admin reads in Simplified Chinese, and the accept form's labels are capitalised."""

import pytest
from django.utils import translation

from roadmap.admin_forms import TARGET_HELP
from roadmap.sources.forms import AcceptSuggestionForm
from roadmap.sources.models import Suggestion, Watch, WatchRun


def test_the_accept_form_labels_are_capitalised():
    labels = [str(field.label) for field in AcceptSuggestionForm.base_fields.values()]

    assert labels == ["Milestone", "New status", "New target", "Progress", "Note for the history"]


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        (Watch._meta.verbose_name_plural, "监测"),
        (WatchRun._meta.verbose_name_plural, "监测运行记录"),
        (Suggestion._meta.verbose_name_plural, "建议"),
        (WatchRun._meta.get_field("finished_at").verbose_name, "结束时间"),
        (AcceptSuggestionForm.base_fields["note"].label, "历史记录备注"),
        (AcceptSuggestionForm.base_fields["target_text"].label, "新目标"),
    ],
)
def test_the_watches_admin_reads_in_chinese(text, chinese):
    with translation.override("zh-hans"):
        assert str(text) == chinese


def test_the_accept_form_target_help_reads_in_the_active_language():
    help_text = AcceptSuggestionForm.base_fields["target_text"].help_text

    with translation.override("zh-hans"):
        assert str(help_text) == "留空则目标保持不变。" + str(TARGET_HELP)
