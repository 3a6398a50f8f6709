"""The comparison by topic and jurisdiction at any size: each cell shows its first milestones and
links the rest on the dashboard, in the same number of queries however many there are."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from roadmap import selectors
from roadmap.models import Milestone
from roadmap.targets import Precision, Target, period_containing
from tests.factories import (
    AuthorityFactory,
    JurisdictionFactory,
    MilestoneFactory,
    RoadmapFactory,
    TopicFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

COMPARISON_QUERIES = 6


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _due_in(days: int) -> Target:
    day = datetime.date(2027, 1, 1) + datetime.timedelta(days=days)
    return Target(Precision.DAY, *period_containing(day, Precision.DAY))


def _tagged(topic, authority, count: int, *, workstreams: int = 1) -> list[Milestone]:
    """``count`` milestones of ``authority`` on ``topic``, a day apart, over ``workstreams``."""
    roadmap = RoadmapFactory(authority=authority)
    streams = [WorkstreamFactory(roadmap=roadmap) for _ in range(workstreams)]
    milestones = [
        MilestoneFactory(
            workstream=streams[n % workstreams],
            title=f"{authority.acronym} step {n:03}",
            target=_due_in(n),
        )
        for n in range(count)
    ]
    for milestone in milestones:
        milestone.topics.add(topic)
    return milestones


def test_a_full_cell_shows_its_first_milestones_and_links_the_rest_on_the_dashboard(
    client, monkeypatch
):
    monkeypatch.setattr(selectors, "COMPARISON_CELL_LIMIT", 3)
    topic = TopicFactory(slug="stablecoins", name="Stablecoins")
    crowded = AuthorityFactory(acronym="SEC", jurisdiction=JurisdictionFactory(code="US"))
    quiet = AuthorityFactory(acronym="MAS", jurisdiction=JurisdictionFactory(code="SG"))
    _tagged(topic, crowded, 5)
    _tagged(topic, quiet, 2)

    page = client.get(reverse("roadmap:comparison")).content.decode()

    assert all(f"SEC step {n:03}" in page for n in range(3))
    assert "SEC step 003" not in page and "SEC step 004" not in page
    assert "MAS step 000" in page and "MAS step 001" in page
    assert page.count("more</a>") == 1
    assert '<a class="more" href="/?topic=stablecoins&amp;jurisdiction=US">and 2 more</a>' in page
    listed = client.get("/", {"topic": "stablecoins", "jurisdiction": "US"}).content.decode()
    assert all(f"SEC step {n:03}" in listed for n in range(5))
    assert "MAS step" not in listed


def test_the_comparison_says_and_n_more_in_chinese(client, monkeypatch):
    monkeypatch.setattr(selectors, "COMPARISON_CELL_LIMIT", 1)
    topic = TopicFactory()
    _tagged(topic, AuthorityFactory(), 4)

    page = client.get(reverse("roadmap:comparison"), headers={"accept-language": "zh-hans"})

    assert "另有 3 项" in page.content.decode()


@pytest.mark.parametrize("workstreams", [2, 80])
def test_the_comparison_costs_the_same_queries_whatever_the_number_of_workstreams(
    client, django_assert_max_num_queries, workstreams
):
    topics = [TopicFactory(), TopicFactory()]
    for code in ["US", "EU", "SG"]:
        authority = AuthorityFactory(jurisdiction=JurisdictionFactory(code=code))
        for topic in topics:
            _tagged(topic, authority, workstreams * 2, workstreams=workstreams)

    with django_assert_max_num_queries(COMPARISON_QUERIES):
        response = client.get(reverse("roadmap:comparison"))

    assert response.status_code == 200
    limit = selectors.COMPARISON_CELL_LIMIT
    shown = response.content.decode().count('class="cell-item"')
    assert shown == len(topics) * 3 * min(limit, workstreams * 2)
