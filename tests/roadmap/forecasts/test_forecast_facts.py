"""One milestone forecast after a change and every milestone forecast nightly fall in the same
stratum: both replay its history with ``state_on``."""

import datetime

import pytest

from roadmap import selectors, services
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def nightly(milestone):
    """The facts the nightly refresh forecasts ``milestone`` with."""
    every = selectors.forecast_facts_all(selectors.forecast_histories())
    return next(facts for facts in every if facts.milestone == milestone.pk)


def test_a_target_set_a_year_of_days_after_the_first_sight_is_aged_either_way():
    # 364 days and 2 hours apart, but 365 calendar days: the nightly rule counts days.
    milestone = MilestoneFactory(
        target=Target.parse("Q4 2025"), at=datetime.datetime(2025, 1, 1, 23, tzinfo=UTC)
    )
    services.milestone_record_update(
        milestone=milestone,
        target=Target.parse("Q3 2026"),
        observed_at=datetime.datetime(2026, 1, 1, 1, tzinfo=UTC),
    )
    milestone.refresh_from_db()

    after_the_change = selectors.forecast_facts(milestone)

    assert after_the_change.group[2] is True
    assert after_the_change == nightly(milestone)


def test_a_note_before_the_first_sight_does_not_age_a_milestone_either_way():
    milestone = MilestoneFactory(
        target=Target.parse("Q4 2026"), at=datetime.datetime(2026, 1, 10, tzinfo=UTC)
    )
    services.milestone_record_update(
        milestone=milestone,
        note="Announced in a speech the year before",
        observed_at=datetime.datetime(2024, 12, 1, tzinfo=UTC),
    )
    services.milestone_record_update(
        milestone=milestone,
        target=Target.parse("Q1 2027"),
        observed_at=datetime.datetime(2026, 2, 1, tzinfo=UTC),
    )
    milestone.refresh_from_db()

    after_the_change = selectors.forecast_facts(milestone)

    assert after_the_change.group[2] is False
    assert after_the_change == nightly(milestone)
