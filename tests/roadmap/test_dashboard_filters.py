"""Thousands of workstreams (a whole agenda edition): the dashboard's workstream select offers
only the chosen one, the search box finds the rest by name, a roadmap's page lists its first ones
and links the rest, and both pages cost the same queries; the comparison's "and N more" links
filter by topic."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from roadmap import forms, selectors
from tests.factories import MilestoneFactory, RoadmapFactory, TopicFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 14


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _workstreams(count: int) -> list:
    roadmap = RoadmapFactory()
    streams = [
        WorkstreamFactory(roadmap=roadmap, title=f"Rule {n} on custody") for n in range(count)
    ]
    for n, stream in enumerate(streams):
        MilestoneFactory(workstream=stream, title=f"Step of stream {n}")
    return streams


def test_a_few_workstreams_are_all_offered(client):
    streams = _workstreams(2)

    page = client.get(reverse("roadmap:dashboard")).content.decode()

    assert all(f'<option value="{stream.pk}">' in page for stream in streams)
    assert "Too many to list" not in page


def test_past_the_limit_the_select_offers_only_the_chosen_workstream(client, monkeypatch):
    monkeypatch.setattr(forms, "WORKSTREAM_CHOICES", 3)
    streams = _workstreams(5)
    chosen = streams[4]

    page = client.get(reverse("roadmap:dashboard")).content.decode()
    filtered = client.get(reverse("roadmap:dashboard"), {"workstream": chosen.pk})

    assert not any(f'<option value="{stream.pk}"' in page for stream in streams)
    assert "Too many to list: search finds milestones by their workstream's name." in page
    filtered = filtered.content.decode()
    assert f'<option value="{chosen.pk}" selected>' in filtered
    assert "Step of stream 4" in filtered and "Step of stream 3" not in filtered


def test_the_search_box_finds_milestones_by_their_workstreams_name(client):
    _workstreams(3)

    page = client.get(reverse("roadmap:dashboard"), {"q": "rule 1 on"}).content.decode()

    assert "Step of stream 1" in page
    assert "Step of stream 0" not in page and "Step of stream 2" not in page


def test_the_dashboard_filters_by_topic(client):
    topic = TopicFactory(slug="custody", name="Custody")
    tagged, untagged = MilestoneFactory(title="Tagged step"), MilestoneFactory(title="Other step")
    tagged.topics.add(topic)

    page = client.get(reverse("roadmap:dashboard"), {"topic": "custody"}).content.decode()

    assert '<option value="custody" selected>Custody</option>' in page
    assert tagged.title in page and untagged.title not in page


@pytest.mark.parametrize("workstreams", [3, 150])
def test_the_dashboard_costs_the_same_queries_whatever_the_number_of_workstreams(
    client, django_assert_max_num_queries, workstreams
):
    streams = _workstreams(workstreams)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("roadmap:dashboard"))

    page = response.content.decode()
    offered = sum(f'<option value="{stream.pk}">' in page for stream in streams)
    assert offered == (workstreams if workstreams <= forms.WORKSTREAM_CHOICES else 0)


def test_a_roadmap_page_lists_its_first_workstreams_and_links_the_rest(client, monkeypatch):
    monkeypatch.setattr(selectors, "WORKSTREAMS_LISTED", 3)
    streams = _workstreams(5)
    roadmap = streams[0].roadmap

    page = client.get(roadmap.get_absolute_url()).content.decode()

    assert all(f'href="{stream.get_absolute_url()}"' in page for stream in streams[:3])
    assert not any(f'href="{stream.get_absolute_url()}"' in page for stream in streams[3:])
    link = f'<a class="more" href="/?roadmap={roadmap.slug}">and 2 more</a>'
    assert f"{link}: the dashboard's search finds them by name." in page


@pytest.mark.parametrize("workstreams", [3, 150])
def test_a_roadmap_page_costs_the_same_queries_whatever_the_number_of_workstreams(
    client, django_assert_max_num_queries, workstreams
):
    roadmap = _workstreams(workstreams)[0].roadmap

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        page = client.get(roadmap.get_absolute_url()).content.decode()

    listed = page.split('<ul class="workstreams">')[1].split("</ul>")[0]
    assert listed.count("<li>") == min(workstreams, selectors.WORKSTREAMS_LISTED)
