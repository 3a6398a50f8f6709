"""A NUL byte anywhere a client can put one is a clear 400 or 404, never a 500.

PostgreSQL refuses NUL in a string literal, so these matter most there: run them with
``DATABASE_URL`` pointing at PostgreSQL.
"""

import pytest

from tests.factories import MilestoneFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/milestones/%00/",
        "/api/v1/roadmaps/%00/",
        "/api/v1/authorities/%00/",
        "/api/v1/workstreams/%00/",
        "/api/v1/jurisdictions/%00/",
        "/api/v1/milestones/%00/history/",
        "/milestones/%00/",
    ],
)
def test_a_nul_in_the_path_is_a_404(client, path):
    response = client.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["milestone", "roadmap", "jurisdiction", "workstream"])
def test_a_nul_in_the_subscribe_pages_query_is_a_400_naming_it(client, name):
    response = client.get(f"/subscribe/?{name}=%00")

    assert response.status_code == 400
    assert name in response.content.decode()


def test_a_nul_in_an_api_query_is_a_400_naming_the_parameter(client):
    response = client.get("/api/v1/milestones/?topic=%00")

    assert response.status_code == 400
    assert "topic" in response.json()


def test_a_nul_in_a_posted_form_is_a_400(client):
    response = client.post(
        "/subscribe/", {"email": "a@example.com", "milestones": ["\x00"], "reminder_days": "7"}
    )

    assert response.status_code == 400


def test_a_nul_in_an_editors_json_is_a_field_error(editor_api):
    milestone = MilestoneFactory()
    TopicFactory()

    response = editor_api.patch(
        f"/api/v1/milestones/{milestone.slug}/", {"topics": ["\x00"]}, format="json"
    )

    assert response.status_code == 400
    assert "topics" in response.json()


def test_a_nul_in_a_subscription_is_a_field_error(client):
    body = {"email": "a@example.com", "milestones": ["\x00"], "reminder_days": [7]}

    response = client.post("/api/v1/subscriptions/", body, content_type="application/json")

    assert response.status_code == 400
    assert "milestones" in response.json()
