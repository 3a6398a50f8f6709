"""The API speaks the languages of settings.LANGUAGES: no list of its own to fall out of step."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_lang_takes_each_language_the_site_speaks():
    api = APIClient()

    for code in ["en", "zh-hans"]:
        assert api.get("/api/v1/roadmaps/", {"lang": code}).status_code == 200


@override_settings(LANGUAGES=[("en", "English")])
def test_lang_refuses_a_language_the_settings_no_longer_list():
    response = APIClient().get("/api/v1/roadmaps/", {"lang": "zh-hans"})

    assert response.status_code == 400
    assert response.json() == {"lang": ["Use en."]}
