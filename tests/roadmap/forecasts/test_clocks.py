"""Statutory clocks: their arithmetic, their words, and the recomputation of dependent targets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from roadmap import services
from roadmap.forecasts.clocks import (
    Clock,
    Combine,
    Term,
    Unit,
    add_offset,
    creates_cycle,
    evaluate,
    words,
)
from roadmap.models import ClockTerm, Milestone, Status, UpdateKind
from roadmap.targets import Qualifier, Target
from tests.factories import MilestoneFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "offset", "unit", "expected"),
    [
        (D(2025, 1, 31), 1, Unit.MONTHS, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, Unit.MONTHS, D(2024, 2, 29)),
        (D(2025, 8, 31), 18, Unit.MONTHS, D(2027, 2, 28)),
        (D(2024, 2, 29), 1, Unit.YEARS, D(2025, 2, 28)),
        (D(2024, 2, 29), 4, Unit.YEARS, D(2028, 2, 29)),
        (D(2025, 7, 18), 1, Unit.YEARS, D(2026, 7, 18)),
        (D(2024, 2, 28), 1, Unit.DAYS, D(2024, 2, 29)),
        (D(2026, 9, 1), 120, Unit.DAYS, D(2026, 12, 30)),
        (D(2025, 12, 31), 2, Unit.MONTHS, D(2026, 2, 28)),
    ],
)
def test_offsets_count_across_month_ends_and_leap_years(day, offset, unit, expected):
    assert add_offset(day, offset, unit) == expected


GENIUS = Clock(Combine.EARLIER, (Term(after=1, offset=120), Term(on=D(2027, 1, 18))))


def test_the_earlier_of_a_term_and_a_fixed_date():
    assert evaluate(GENIUS, {1: D(2026, 9, 1)}) == D(2026, 12, 30)
    assert evaluate(GENIUS, {1: D(2026, 11, 1)}) == D(2027, 1, 18)
    assert evaluate(GENIUS, {1: None}) == D(2027, 1, 18)  # it can only come sooner


def test_the_later_of_terms_is_unknown_until_every_term_is():
    clock = Clock(Combine.LATER, (Term(after=1, offset=1, unit=Unit.YEARS), Term(on=D(2026, 1, 1))))
    assert evaluate(clock, {1: D(2025, 7, 18)}) == D(2026, 7, 18)
    assert evaluate(clock, {1: D(2024, 7, 18)}) == D(2026, 1, 1)
    assert evaluate(clock, {1: None}) is None


def test_a_clock_reads_in_english_and_chinese():
    names, days = {1: "Final rules"}, {1: D(2026, 11, 1)}
    assert words(GENIUS, names, days) == (
        "120 days after Final rules, or Jan. 18, 2027 if earlier → by Jan. 18, 2027"
    )
    with translation.override("zh-hans"):
        chinese = words(GENIUS, names, days)
    assert "Final rules" in chinese and "120" in chinese and "2027年1月18日" in chinese
    assert "days" not in chinese and "earlier" not in chinese and "after" not in chinese


def test_a_loop_through_other_clocks_is_found():
    edges = {2: {1}, 3: {2}}
    assert creates_cycle(1, {3}, edges)
    assert not creates_cycle(4, {3}, edges)


@pytest.fixture
def final_rules(db):
    return MilestoneFactory(title="Final rules", target=Target.period("quarter", 2026, 3))


def genius_clock(milestone, trigger):
    return services.milestone_set_clock(
        milestone=milestone,
        terms=[Term(after=trigger.pk, offset=120), Term(on=D(2027, 1, 18))],
        combine=Combine.EARLIER,
    )


def test_setting_a_clock_sets_the_target_and_records_it(final_rules):
    effective = MilestoneFactory(title="GENIUS Act effective", target=Target.undated())
    effective = genius_clock(effective, final_rules)

    # Q3 2026 ends on 30 September; 120 days later is 28 January 2027: the fixed date is earlier.
    assert effective.target.same_dates(Target.on_day(D(2027, 1, 18), qualifier=Qualifier.BY))
    entry = effective.updates.latest()
    assert entry.note.startswith("Target set by its clock: 120 days after Final rules")


def test_completing_the_trigger_moves_the_dependent_and_names_the_cause(final_rules):
    effective = genius_clock(MilestoneFactory(title="GENIUS Act effective"), final_rules)

    services.milestone_change_status(
        milestone=final_rules, status=Status.COMPLETED, actual_date=D(2026, 9, 1)
    )

    effective.refresh_from_db()
    assert effective.target_end == D(2026, 12, 30)
    entry = effective.updates.latest()
    assert entry.note == "Moved because Final rules completed on 2026-09-01."
    assert entry.slip_days == (D(2026, 12, 30) - D(2027, 1, 18)).days


def test_a_later_recomputed_date_is_a_slip(final_rules):
    effective = MilestoneFactory(title="Effective date", target=Target.undated())
    services.milestone_set_clock(
        milestone=effective, terms=[Term(after=final_rules.pk, offset=6, unit=Unit.MONTHS)]
    )
    services.milestone_move_target(milestone=final_rules, target=Target.period("quarter", 2027, 1))

    effective.refresh_from_db()
    assert effective.target_end == D(2027, 9, 30)
    assert effective.slip_count == 1
    assert effective.updates.latest().note == "Moved because Final rules moved to Q1 2027."


def test_a_chain_of_three_clocks_moves_together_in_one_transaction(final_rules):
    second = MilestoneFactory(title="Second")
    third = MilestoneFactory(title="Third")
    services.milestone_set_clock(milestone=second, terms=[Term(after=final_rules.pk, offset=30)])
    services.milestone_set_clock(
        milestone=third, terms=[Term(after=second.pk, offset=1, unit=Unit.YEARS)]
    )

    services.milestone_change_status(
        milestone=final_rules, status=Status.COMPLETED, actual_date=D(2026, 1, 31)
    )

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.target_end == D(2026, 3, 2)
    assert third.target_end == D(2027, 3, 2)
    assert third.updates.latest().note == "Moved because Second moved to by 2026-03-02."


def test_a_clock_that_loops_is_refused(final_rules):
    second = MilestoneFactory(title="Second")
    services.milestone_set_clock(milestone=second, terms=[Term(after=final_rules.pk, offset=30)])

    with pytest.raises(ValidationError) as error:
        services.milestone_set_clock(milestone=final_rules, terms=[Term(after=second.pk)])
    assert "loop" in str(error.value.message_dict["clock"])
    with pytest.raises(ValidationError):
        services.milestone_set_clock(milestone=second, terms=[Term(after=second.pk)])
    assert not ClockTerm.objects.filter(milestone=final_rules).exists()


def test_a_clock_on_a_milestone_that_does_not_exist_is_refused(final_rules):
    with pytest.raises(ValidationError) as error:
        services.milestone_set_clock(milestone=final_rules, terms=[Term(after=999_999)])
    assert "clock" in error.value.message_dict


def test_a_clocked_target_cannot_be_moved_by_hand(final_rules):
    effective = genius_clock(MilestoneFactory(title="Effective"), final_rules)

    with pytest.raises(ValidationError) as error:
        services.milestone_move_target(milestone=effective, target=Target.period("year", 2028))
    assert "clock" in str(error.value.message_dict["target"])


def test_the_database_refuses_a_term_that_is_both_or_neither(final_rules):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockTerm.objects.create(milestone=final_rules, trigger=None, on=None)
    other = MilestoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockTerm.objects.create(milestone=final_rules, trigger=other, on=D(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockTerm.objects.create(milestone=final_rules, trigger=final_rules)


def test_a_trigger_cannot_be_deleted_while_a_clock_counts_from_it(final_rules):
    genius_clock(MilestoneFactory(title="Effective"), final_rules)
    with pytest.raises(Exception, match="protected"):
        Milestone.objects.filter(pk=final_rules.pk).delete()


def test_removing_the_clock_keeps_the_target(final_rules):
    effective = genius_clock(MilestoneFactory(title="Effective"), final_rules)
    effective = services.milestone_set_clock(milestone=effective, terms=[])
    moved = services.milestone_move_target(milestone=effective, target=Target.period("year", 2028))
    assert moved.target_end == D(2028, 12, 31)
    assert moved.updates.filter(kind=UpdateKind.CHANGED).count() == 2
