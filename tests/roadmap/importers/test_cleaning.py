"""Dates and text as government files write them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.importers.cleaning import (
    BadDate,
    clean_line,
    clean_text,
    parse_timetable_date,
    split_row,
)
from roadmap.targets import Precision

days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))


@given(days)
def test_a_full_date_is_that_day(day):
    target = parse_timetable_date(day.strftime("%m/%d/%Y"))
    assert (target.precision, target.start, target.end) == (Precision.DAY, day, day)


@given(days)
def test_day_zero_is_the_whole_month_and_never_a_day(day):
    target = parse_timetable_date(f"{day.month:02d}/00/{day.year}")
    assert target.precision == Precision.MONTH
    assert target.start == day.replace(day=1)
    assert target.end.month == day.month and (target.end + datetime.timedelta(days=1)).day == 1


@given(st.sampled_from(["To Be Determined", "to be determined ", "", "TBD", None, "00/00/0000"]))
def test_undetermined_or_missing_is_undated(text):
    assert parse_timetable_date(text).precision == Precision.UNDATED


@given(
    st.text(max_size=20).filter(
        lambda t: (
            "/" not in t
            and t.strip().lower() not in {"", "tbd", "to be determined", "undetermined"}
        )
    )
)
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(BadDate):
        parse_timetable_date(text)


@pytest.mark.parametrize("text", ["13/00/2026", "02/30/2026", "00/10/2026", "11/00/1899"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(BadDate):
        parse_timetable_date(text)


def test_old_editions_put_the_date_in_the_action():
    [(action, target)] = split_row("Comment Period End 2/3/97", None)
    assert action == "Comment Period End"
    assert target.start == datetime.date(1997, 2, 3)
    assert split_row("NPRM  11/15/2004", "")[0][1].start == datetime.date(2004, 11, 15)


def test_a_date_the_action_names_is_its_own_day_not_the_rows_date():
    """The row's date is the proposal's; the words name the comment period's end."""
    [(action, target)] = split_row("NPRM Comment Period End 2/3/97", "12/04/1996")
    assert (action, target.precision, target.start) == (
        "NPRM Comment Period End",
        Precision.DAY,
        datetime.date(1997, 2, 3),
    )


def test_an_event_in_parentheses_is_a_milestone_of_its_own():
    row, effective = split_row("Final Action (Effective Date 04/01/97)", "02/14/1997")
    assert row[0] == "Final Action" and row[1].start == datetime.date(1997, 2, 14)
    assert effective[0] == "Effective Date" and effective[1].start == datetime.date(1997, 4, 1)
    assert effective[1].precision == Precision.DAY


def test_an_impossible_date_in_the_action_names_the_action_as_the_field():
    with pytest.raises(BadDate) as error:
        split_row("Final Action (Effective Date 13/45/97)", "02/14/1997")
    assert error.value.field == "TTBL_ACTION"


def test_html_abstracts_become_clean_paragraphs():
    html = (
        "<!DOCTYPE html><html><body><p>Amend&nbsp;the <b>rule</b>.</p>"
        "<p>Fees &amp; costs</p><script>alert(1)</script></body></html>"
    )
    assert clean_text(html) == "Amend the rule.\n\nFees & costs"
    assert clean_text("One.^PTwo\u2009words.\n") == "One.\n\nTwo words."


def test_titles_lose_trailing_newlines_and_odd_spaces():
    assert clean_line("Crypto\u202fAssets &amp; More\n") == "Crypto Assets & More"
