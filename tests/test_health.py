import pytest
from django.urls import reverse

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_reports_every_dependency_ok(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"healthy": True, "database": "ok", "cache": "ok", "broker": "ok"}


def test_health_reports_an_unreachable_broker_with_503(client, monkeypatch):
    # Nothing listens on port 1: a real refused connection, not a mock.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("health"))

    assert response.status_code == 503
    body = response.json()
    assert body["healthy"] is False
    assert body["broker"].startswith("error:")
    assert body["database"] == "ok"
