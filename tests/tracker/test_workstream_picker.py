"""Thousands of workstreams: the subscribe and preferences pages list only those chosen or found."""

import pytest
from django.urls import reverse

from tests.factories import RoadmapFactory, WorkstreamFactory
from tracker import services, tokens
from tracker.forms import WORKSTREAMS_FOUND
from tracker.models import Follow, Subscriber

pytestmark = pytest.mark.django_db
MANY = 300


@pytest.fixture
def workstreams():
    roadmap = RoadmapFactory(title="Agenda")
    return [WorkstreamFactory(roadmap=roadmap, title=f"Docket {n:03}") for n in range(MANY)]


def test_the_subscribe_page_lists_no_workstream_until_one_is_found(
    client, workstreams, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("tracker:subscribe")).content.decode()
    assert "Docket 000" not in page
    assert 'name="find"' in page
    assert len(page) < 60_000


def test_a_search_lists_matching_workstreams_to_tick(
    client, workstreams, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("tracker:subscribe"), {"find": "docket 01"}).content.decode()
    assert "Agenda: Docket 010" in page
    assert "Agenda: Docket 019" in page
    assert "Docket 020" not in page


def test_a_search_shows_at_most_a_page_of_matches(client, workstreams):
    page = client.get(reverse("tracker:subscribe"), {"find": "Docket"}).content.decode()
    assert page.count('name="workstreams"') == WORKSTREAMS_FOUND


def test_a_workstream_found_and_ticked_is_followed(
    client, workstreams, subscribe_form, django_capture_on_commit_callbacks
):
    chosen = workstreams[123]
    form = {**subscribe_form, "email": "picker@example.com", "workstreams": [chosen.pk]}
    del form["everything"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tracker:subscribe"), form)
    assert response.status_code == 302
    follow = Follow.objects.get(subscriber__email="picker@example.com")
    assert follow.workstream == chosen


def test_the_preferences_page_lists_the_followed_workstreams_ticked_and_no_others(
    client, workstreams, django_assert_max_num_queries
):
    services.subscriber_subscribe(
        email="reader@example.com",
        preferences={"reminder_days": [7], "digest_frequency": "daily"},
        follows=services.Follows(workstreams=[workstreams[42]]),
    )
    subscriber = services.subscriber_confirm(
        subscriber=Subscriber.objects.get(email="reader@example.com")
    )
    url = reverse("tracker:manage", kwargs={"token": tokens.make_token(subscriber, tokens.MANAGE)})
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count('name="workstreams"') == 1
    [box] = [tag for tag in page.split("<input") if 'name="workstreams"' in tag]
    assert f'value="{workstreams[42].pk}"' in box
    assert "checked" in box
    assert len(page) < 60_000
