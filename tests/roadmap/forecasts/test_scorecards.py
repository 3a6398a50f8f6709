"""Authority scorecards: the on-time rate, the median slip, the count of milestones and the trend,
on the authority's page, the comparison page and the API."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from roadmap import services
from roadmap.forecasts.scorecards import Record, Trend, deadline_of, scorecard
from roadmap.models import Authority, Status
from roadmap.targets import Target
from tests.factories import AuthorityFactory, MilestoneFactory, WorkstreamFactory
from tests.support.datasets import build_roadmap

TODAY = datetime.date(2026, 6, 1)
D = datetime.date


def done(deadline, actual):
    return Record(deadline, "completed", actual)


def still_open(deadline, listed=True):
    return Record(deadline, "planned", None, listed)


def test_on_time_means_done_by_the_first_deadline():
    card = scorecard(
        [
            done(D(2025, 9, 30), D(2025, 9, 30)),
            done(D(2025, 9, 30), D(2025, 8, 1)),
            done(D(2025, 9, 30), D(2025, 10, 1)),
            still_open(D(2025, 12, 31)),
        ],
        TODAY,
    )
    assert (card.milestones, card.due, card.on_time) == (4, 4, 2)
    assert card.on_time_rate == 0.5
    assert card.on_time_percent == 50


def test_an_open_milestone_counts_as_late_once_its_deadline_passed_and_not_before():
    card = scorecard([still_open(D(2026, 5, 31)), still_open(D(2026, 6, 1))], TODAY)
    assert (card.milestones, card.due, card.on_time) == (2, 1, 0)


def test_cancelled_undated_and_unlisted_milestones_are_counted_but_not_scored():
    card = scorecard(
        [
            Record(D(2025, 1, 31), "cancelled", None),
            Record(None, "completed", D(2025, 1, 1)),
            still_open(D(2025, 1, 31), listed=False),
            done(D(2025, 1, 31), D(2025, 1, 2)),
        ],
        TODAY,
    )
    assert (card.milestones, card.due, card.on_time) == (4, 1, 1)


def test_a_not_before_target_sets_no_deadline():
    assert deadline_of(Target.parse("not before Q3 2025").as_dict()) is None
    assert deadline_of(Target.parse("by Q3 2025").as_dict()) == D(2025, 9, 30)
    assert deadline_of(None) is None


def test_the_median_slip_counts_early_and_late_days():
    card = scorecard(
        [
            done(D(2025, 1, 31), D(2025, 1, 21)),  # -10
            done(D(2025, 1, 31), D(2025, 2, 10)),  # +10
            done(D(2025, 1, 31), D(2025, 3, 2)),  # +30
        ],
        TODAY,
    )
    assert card.median_slip == 10
    assert card.slip_in_words == "10 days late"
    assert scorecard([done(D(2025, 1, 31), D(2025, 1, 30))], TODAY).slip_in_words == "1 day early"


def test_open_milestones_past_their_deadline_are_censored_not_dropped():
    """Dropping the two still open would make the median 5 days; they are later than that."""
    records = [
        done(D(2026, 1, 31), D(2026, 2, 5)),  # +5
        still_open(D(2026, 1, 31)),  # at least +121
        still_open(D(2026, 1, 31)),
    ]
    card = scorecard(records, TODAY)
    assert card.median_slip is None
    assert "more than half are still open" in card.slip_in_words
    records.append(done(D(2026, 1, 31), D(2026, 5, 31)))  # +120
    records.append(done(D(2025, 12, 31), D(2026, 1, 1)))  # +1
    assert scorecard(records, TODAY).median_slip == 120


def _year(year, on_time, late):
    deadline = D(year, 6, 30)
    return [done(deadline, deadline)] * on_time + [done(deadline, D(year, 8, 1))] * late


@pytest.mark.parametrize(
    ("records", "trend"),
    [
        (_year(2024, 1, 4) + _year(2025, 4, 1), Trend.BETTER),
        (_year(2024, 4, 1) + _year(2025, 1, 4), Trend.WORSE),
        (_year(2024, 3, 2) + _year(2025, 3, 2), Trend.STEADY),
        (_year(2024, 3, 2) + _year(2025, 2, 2), Trend.UNKNOWN),  # 4 due in 2025: too few
    ],
)
def test_the_trend_compares_the_last_two_years_with_enough_milestones(records, trend):
    card = scorecard(records, TODAY)
    assert card.trend == trend
    assert [year.year for year in card.years] == [2024, 2025]


def test_each_year_has_its_own_figures():
    card = scorecard(_year(2024, 1, 4) + _year(2025, 4, 1), TODAY)
    assert [(y.year, y.due, y.on_time, y.on_time_rate) for y in card.years] == [
        (2024, 5, 1, 0.2),
        (2025, 5, 4, 0.8),
    ]
    assert card.trend_in_words == "more often on time than the year before"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sec(db):
    """An authority with three milestones due in 2025: one on time, one late, one still open."""
    authority = AuthorityFactory(acronym="SEC", name="Securities and Exchange Commission")
    stream = WorkstreamFactory(roadmap__authority=authority)
    on_time = MilestoneFactory(workstream=stream, target=Target.parse("by Q1 2025"))
    late = MilestoneFactory(workstream=stream, target=Target.parse("by Q1 2025"))
    MilestoneFactory(workstream=stream, target=Target.parse("by Q2 2025"))
    MilestoneFactory(workstream=stream, target=Target.parse("by Q4 2099"))
    services.milestone_change_status(
        milestone=on_time, status=Status.COMPLETED, actual_date=D(2025, 3, 1)
    )
    services.milestone_move_target(milestone=late, target=Target.parse("by Q2 2025"))
    services.milestone_change_status(
        milestone=late, status=Status.COMPLETED, actual_date=D(2025, 4, 30)
    )
    return authority


def test_the_authority_page_shows_its_scorecard(client, sec, fresh_cache):
    page = client.get(sec.get_absolute_url()).content.decode()
    assert "Scorecard" in page
    assert "33 %" in page and "on time (1 of 3)" in page
    # The late one slipped 30 days past its first deadline; the open one is censored beyond it.
    assert "Median slip: <strong>" in page
    assert "4 milestones tracked" in page


def test_the_authority_page_reads_in_chinese(client, sec, fresh_cache):
    page = client.get(sec.get_absolute_url(), headers={"accept-language": "zh-CN"})
    text = page.content.decode()
    assert "记分卡" in text
    assert "按时完成（3 项中 1 项）" in text


def test_the_api_gives_the_authoritys_scorecard(sec, fresh_cache):
    body = APIClient().get("/api/v1/authorities/SEC/scorecard/").json()
    assert body["milestones"] == 4
    assert (body["due"], body["on_time"], body["on_time_rate"]) == (3, 1, 0.333)
    assert body["median_slip_days"] == 30
    assert body["median_slip_words"] == "30 days late"
    assert body["years"] == [
        {
            "year": 2025,
            "due": 3,
            "on_time": 1,
            "on_time_rate": 0.333,
            "median_slip_days": 30,
            "median_slip_words": "30 days late",
        }
    ]
    assert body["trend"] == ""
    chinese = APIClient().get("/api/v1/authorities/SEC/scorecard/?lang=zh-hans").json()
    assert chinese["median_slip_words"] == "晚 30 天"


def test_the_api_gives_a_jurisdictions_scorecard_and_404s_for_unknown_ones(sec, fresh_cache):
    code = sec.jurisdiction.code
    assert APIClient().get(f"/api/v1/jurisdictions/{code}/scorecard/").json()["due"] == 3
    assert APIClient().get("/api/v1/authorities/NOPE/scorecard/").status_code == 404


def test_the_comparison_page_shows_each_jurisdictions_figure(client, sec, fresh_cache):
    other = AuthorityFactory(acronym="ESMA")
    MilestoneFactory(
        workstream=WorkstreamFactory(roadmap__authority=other), target=Target.parse("2099")
    )
    page = client.get(reverse("roadmap:comparison")).content.decode()
    assert "How each jurisdiction keeps its dates" in page
    assert sec.jurisdiction.name in page and other.jurisdiction.name in page
    assert "33 % (1 of 3)" in page
    assert "No first published deadline has passed yet." in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [100, 10_000])
def test_scorecard_pages_and_api_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, fresh_cache, size
):
    build_roadmap(milestones=size, workstreams=50)
    assert Authority.objects.get(acronym="SEC").milestones.exclude(baseline=None).exists()
    with django_assert_max_num_queries(13):
        assert client.get(reverse("roadmap:authority", args=["SEC"])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("roadmap:comparison")).status_code == 200
    api = APIClient()
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/authorities/SEC/scorecard/").status_code == 200
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/jurisdictions/US/scorecard/").status_code == 200
