"""Answers the schema promises: a paginated history, refused empty or unreadable parameters, and
source addresses that are URIs."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from roadmap import services
from roadmap.models import Authority, Milestone, Source

pytestmark = pytest.mark.django_db
LIST = "/api/v1/milestones/"


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    call_command("load_demo_roadmap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def milestone():
    milestone = Milestone.objects.first()
    for note in ("Roundtable held", "Staff statement"):
        services.milestone_record_update(milestone=milestone, note=note)
    return milestone


@pytest.mark.parametrize("query", [{}, {"cursor": ""}, {"page_size": 1}])
def test_a_milestones_history_is_a_page_of_entries_newest_first(api, milestone, query):

    body = api.get(f"{LIST}{milestone.slug}/history/", query).json()

    assert set(body) == {"next", "previous", "results"}
    recorded = [entry["recorded_at"] for entry in body["results"]]
    assert recorded == sorted(recorded, reverse=True)
    assert len(recorded) == (1 if query.get("page_size") else milestone.updates.count())


def test_history_pages_follow_one_another(api, milestone):
    first = api.get(f"{LIST}{milestone.slug}/history/", {"page_size": 1}).json()

    second = api.get(first["next"]).json()

    assert second["results"][0]["id"] != first["results"][0]["id"]


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        (LIST, {"changed_since": ""}, "changed_since"),
        (LIST, {"roadmap": ""}, "roadmap"),
        ("/api/v1/changes/", {"since": ""}, "since"),
        (LIST, {"page_size": "junk"}, "page_size"),
        (LIST, {"page_size": "0"}, "page_size"),
        (LIST, {"page_size": "101"}, "page_size"),
        ("/api/v1/roadmaps/", {"page_size": "-3"}, "page_size"),
    ],
)
def test_an_empty_or_unreadable_parameter_is_a_400_naming_it(api, path, query, name):
    response = api.get(path, query)

    assert response.status_code == 400
    assert name in response.json()


def test_a_page_size_in_range_is_honoured(api):
    assert len(api.get(LIST, {"page_size": "3"}).json()["results"]) == 3


@pytest.mark.parametrize(
    "url", ["https://ok.example/<script>", "https://ok.example/a b", 'https://ok.example/"x"']
)
def test_a_source_or_website_address_that_is_not_a_uri_is_refused(url):
    source = Source(milestone=Milestone.objects.first(), title="t", publisher="p", url=url)
    authority = Authority.objects.first()
    authority.website = url

    with pytest.raises(ValidationError) as source_error:
        source.full_clean()
    with pytest.raises(ValidationError) as authority_error:
        authority.full_clean()

    assert "url" in source_error.value.message_dict
    assert "website" in authority_error.value.message_dict


def test_a_percent_encoded_address_is_accepted():
    Source(
        milestone=Milestone.objects.first(),
        title="t",
        publisher="p",
        url="https://ok.example/%3Cscript%3E?q=a%20b#part",
    ).full_clean()
