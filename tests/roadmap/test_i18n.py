"""English and Simplified Chinese: the interface, the fuzzy targets and the language switch."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from config.language import switch_language
from roadmap.targets import Target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("before Q3 2025", "by Q3 2025", "2025年第三季度前"),
        ("not before H2 2026", "not before H2 2026", "不早于2026年下半年"),
        ("July 2026", "July 2026", "2026年7月"),
        ("2027", "2027", "2027年"),
        ("TBD", "no date yet", "日期未定"),
    ],
)
def test_targets_read_in_the_readers_language(text, english, chinese):
    target = Target.parse(text)

    with translation.override("en"):
        assert target.words() == english
    with translation.override("zh-hans"):
        assert target.words() == chinese


def test_dashboard_follows_the_browsers_language(client):
    page = client.get(reverse("roadmap:dashboard"), headers={"accept-language": "zh-CN,zh"})

    body = page.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "监管路线图总览" in body
    assert "2025年第三季度前" in body


def test_language_link_sets_the_language_and_returns_to_the_clean_address(client):
    url = reverse("roadmap:milestone", args=["sec-first-phase-public-comment"])

    response = client.get(url, {"lang": "zh-hans"})

    assert response.status_code == 302 and response["Location"] == url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "no-store" in response["Cache-Control"]
    page = client.get(url).content.decode()
    assert "历史记录" in page and "计划中" in page


def test_language_link_keeps_the_other_parameters(client):
    response = client.get("/?jurisdiction=EU&lang=zh-hans&status=planned")

    assert response["Location"] == "/?jurisdiction=EU&status=planned"


def test_an_unknown_language_is_ignored(client):
    response = client.get("/compare/?lang=xx-evil")

    assert response.status_code == 302 and response["Location"] == "/compare/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_link_never_leaves_the_site():
    request = RequestFactory().get("/", {"lang": "zh-hans"})
    request.path = "//evil.example/"

    response = switch_language(lambda request: None)(request)

    assert response["Location"] == "/evil.example/"


def test_a_cached_page_offers_the_switch_as_links_without_a_form(client):
    url = reverse("roadmap:dashboard")
    client.get(url)  # warm the cache

    body = Client().get(url).content.decode()

    assert 'href="/?lang=zh-hans"' in body
    assert "csrfmiddlewaretoken" not in body


def test_english_and_chinese_pages_are_cached_apart(client):
    url = reverse("roadmap:comparison")
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()

    assert "Compare jurisdictions" in english and "辖区对比" in chinese
