"""The baseline is the first dated target, and drift is counted in the target's own precision."""

import pytest
from django.utils import translation

from roadmap import services
from roadmap.forecasts.baselines import drift, drift_words
from roadmap.targets import Target
from tests.factories import MilestoneFactory


@pytest.mark.parametrize(
    ("first", "now", "expected"),
    [
        ("Q3 2025", "Q1 2026", 2),
        ("Q3 2025", "Q3 2025", 0),
        ("Q3 2025", "Q2 2025", -1),
        ("2025-07-01", "2025-07-31", 30),
        ("July 2025", "H2 2026", 2),
        ("2025", "March 2026", 3),
    ],
)
def test_drift_counts_periods_of_the_current_precision(first, now, expected):
    assert drift(Target.parse(first), Target.parse(now)) == expected


def test_drift_in_words_names_the_first_target():
    words = drift_words(Target.parse("Q3 2025"), Target.parse("Q1 2026"))
    assert words == "+2 quarters against the first published target (Q3 2025)"
    with translation.override("zh-hans"):
        chinese = drift_words(Target.parse("Q3 2025"), Target.parse("Q1 2026"))
    assert "+2" in chinese and "quarters" not in chinese


@pytest.mark.django_db
def test_the_baseline_is_the_first_dated_target_and_is_kept():
    milestone = MilestoneFactory(target=Target.undated())
    assert milestone.baseline is None
    milestone = services.milestone_move_target(milestone=milestone, target=Target.parse("Q3 2025"))
    milestone = services.milestone_move_target(milestone=milestone, target=Target.parse("Q1 2026"))
    milestone = services.milestone_move_target(milestone=milestone, target=Target.undated())

    assert Target.from_dict(milestone.baseline).same_dates(Target.parse("Q3 2025"))
