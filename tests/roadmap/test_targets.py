import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from roadmap.targets import MAX_YEAR, MIN_YEAR, Precision, Qualifier, Target, period_containing

days = st.dates(min_value=datetime.date(MIN_YEAR, 1, 1), max_value=datetime.date(MAX_YEAR, 12, 31))
dated_precisions = st.sampled_from([p for p in Precision if p != Precision.UNDATED])
qualifiers = st.sampled_from(list(Qualifier))


@st.composite
def targets(draw):
    precision = draw(st.sampled_from(list(Precision)))
    if precision == Precision.UNDATED:
        return Target.undated()
    start, end = period_containing(draw(days), precision)
    return Target(precision, start, end, draw(qualifiers))


@pytest.mark.parametrize(
    ("text", "precision", "start", "end", "qualifier"),
    [
        ("2025-01-21", "day", "2025-01-21", "2025-01-21", "on"),
        ("21 January 2025", "day", "2025-01-21", "2025-01-21", "on"),
        ("on Jan. 21, 2025", "day", "2025-01-21", "2025-01-21", "on"),
        ("July 2026", "month", "2026-07-01", "2026-07-31", "on"),
        ("by 2026-02", "month", "2026-02-01", "2026-02-28", "by"),
        ("2024-02", "month", "2024-02-01", "2024-02-29", "on"),
        ("Q3 2025", "quarter", "2025-07-01", "2025-09-30", "on"),
        ("before Q3 2025", "quarter", "2025-07-01", "2025-09-30", "by"),
        ("by the end of 2025-Q4", "quarter", "2025-10-01", "2025-12-31", "by"),
        ("third quarter of 2025", "quarter", "2025-07-01", "2025-09-30", "on"),
        ("not before H2 2026", "half", "2026-07-01", "2026-12-31", "not_before"),
        ("first half of 2027", "half", "2027-01-01", "2027-06-30", "on"),
        ("2026", "year", "2026-01-01", "2026-12-31", "on"),
        ("end of 2026", "year", "2026-01-01", "2026-12-31", "by"),
        ("2025 年第三季度前", "quarter", "2025-07-01", "2025-09-30", "by"),
        ("2026年7月", "month", "2026-07-01", "2026-07-31", "on"),
        ("2026 年下半年", "half", "2026-07-01", "2026-12-31", "on"),
    ],
)
def test_parse_reads_published_wordings(text, precision, start, end, qualifier):
    target = Target.parse(text)

    assert (target.precision, target.qualifier) == (precision, qualifier)
    assert (target.start.isoformat(), target.end.isoformat()) == (start, end)
    assert target.wording == text


@pytest.mark.parametrize("text", ["", "TBD", "to be determined", "  No date yet ", "待定"])
def test_parse_reads_undated_wordings(text):
    target = Target.parse(text)

    assert target.precision == Precision.UNDATED
    assert (target.start, target.end, target.deadline) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Q5 2025", "unreadable"),
        ("2025-02-30", "invalid_date"),
        ("2025-13", "invalid_month"),
        ("Smarch 2025", "invalid_month"),
        ("H3 2026", "unreadable"),
        ("0000", "out_of_range"),
        ("9999-01-01", "out_of_range"),
        ("sometime soon", "unreadable"),
        ("<script>alert(1)</script>", "unreadable"),
        ("Q3 2025 " * 40, "too_long"),
    ],
)
def test_parse_rejects_unreadable_or_impossible_targets(text, code):
    with pytest.raises(ValidationError) as error:
        Target.parse(text)

    assert error.value.code == code


def test_quarter_target_rejects_unaligned_interval():
    target = Target(Precision.QUARTER, datetime.date(2025, 2, 1), datetime.date(2025, 4, 30))

    with pytest.raises(ValidationError) as error:
        target.validate()

    assert "target_end" in error.value.message_dict
    assert "runs from 2025-01-01 to 2025-03-31" in error.value.message_dict["target_end"][0]


def test_target_rejects_end_before_start():
    target = Target(Precision.DAY, datetime.date(2025, 2, 2), datetime.date(2025, 2, 1))

    with pytest.raises(ValidationError, match="can't be before its start"):
        target.validate()


def test_undated_target_rejects_dates():
    with pytest.raises(ValidationError):
        Target(Precision.UNDATED, datetime.date(2025, 1, 1), None).validate()


def test_dated_target_needs_both_ends():
    with pytest.raises(ValidationError, match="both a start and an end"):
        Target(Precision.MONTH, datetime.date(2025, 1, 1), None).validate()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("before Q3 2025", "by Q3 2025"),
        ("July 2026", "July 2026"),
        ("not before H2 2026", "not before H2 2026"),
        ("2026", "2026"),
        ("TBD", "no date yet"),
    ],
)
def test_words_in_english(text, words):
    with translation.override("en"):
        assert Target.parse(text).words() == words


def test_deadline_is_end_of_interval_unless_not_before():
    assert Target.parse("by Q3 2025").deadline == datetime.date(2025, 9, 30)
    assert Target.parse("Q3 2025").deadline == datetime.date(2025, 9, 30)
    assert Target.parse("not before Q3 2025").deadline is None


def test_overdue_only_after_the_last_day():
    target = Target.parse("by Q3 2025")

    assert not target.is_overdue(datetime.date(2025, 9, 30))
    assert target.is_overdue(datetime.date(2025, 10, 1))
    assert not Target.undated().is_overdue(datetime.date(2100, 1, 1))


def test_shift_snaps_to_the_period_holding_the_new_end():
    shifted = Target.parse("before Q2 2025").shifted(92)

    assert shifted.same_dates(Target.parse("by Q3 2025"))
    assert shifted.wording == ""


def test_shifting_an_undated_target_is_refused():
    with pytest.raises(ValidationError):
        Target.undated().shifted(30)


def test_slip_days_measures_the_move_of_the_end():
    assert Target.parse("Q2 2025").slip_days(Target.parse("Q3 2025")) == 92
    assert Target.parse("Q3 2025").slip_days(Target.parse("Q2 2025")) == -92
    assert Target.parse("Q3 2025").slip_days(Target.undated()) is None


def test_undated_sorts_after_every_dated_target():
    ordered = sorted(
        [
            Target.undated(),
            Target.parse("2030"),
            Target.parse("2025-01-21"),
            Target.parse("Q1 2025"),
        ],
        key=Target.sort_key,
    )

    assert [t.precision for t in ordered] == ["day", "quarter", "year", "undated"]


@given(targets())
def test_every_well_formed_target_validates(target):
    target.validate()


@given(targets())
def test_as_text_is_read_back_as_the_same_target(target):
    assert Target.parse(target.as_text()).same_dates(target)


@given(targets())
def test_dict_round_trip(target):
    assert Target.from_dict(target.as_dict()) == target


MONTHS = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.HALF: 6, Precision.YEAR: 12}


@given(days, dated_precisions)
def test_period_containing_holds_the_day_and_is_aligned(day, precision):
    start, end = period_containing(day, precision)

    assert start <= day <= end
    if precision == Precision.DAY:
        assert start == end == day
        return
    months = MONTHS[precision]
    after = end + datetime.timedelta(days=1)
    assert start.day == after.day == 1
    assert start.year == day.year and (start.month - 1) % months == 0
    assert (after.year - start.year) * 12 + after.month - start.month == months


@given(targets(), targets())
def test_sort_key_orders_by_end_then_start(first, second):
    if first.is_dated and second.is_dated and first.end < second.end:
        assert first.sort_key() < second.sort_key()


inner_days = st.dates(min_value=datetime.date(1910, 1, 1), max_value=datetime.date(2190, 12, 31))


@given(st.integers(min_value=-3000, max_value=3000), dated_precisions, inner_days)
def test_shift_keeps_precision_and_moves_the_middle_into_the_new_period(shift, precision, day):
    target = Target(precision, *period_containing(day, precision))
    try:
        shifted = target.shifted(shift)
    except ValidationError as error:
        assert error.code == "shift_too_small"
        assert abs(shift) <= 366 / 2
        return

    assert shifted.precision == precision
    shifted.validate()
    moved_middle = target.start + (target.end - target.start) / 2 + datetime.timedelta(days=shift)
    assert shifted.start <= moved_middle <= shifted.end


def test_a_shift_too_small_to_leave_the_period_is_refused():
    with pytest.raises(ValidationError) as error:
        Target.parse("Q2 2025").shifted(30)

    assert error.value.code == "shift_too_small"


def test_month_shift_moves_by_whole_months():
    assert Target.parse("March 2025").shifted(31).words() == "April 2025"


@given(st.text(max_size=60))
def test_parse_never_fails_with_anything_but_a_validation_error(text):
    try:
        target = Target.parse(text)
    except ValidationError:
        return
    target.validate()
