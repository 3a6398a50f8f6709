"""English and Simplified Chinese: the interface, the fuzzy targets and the language switch."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from roadmap.targets import Target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    call_command("load_demo_roadmap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("before Q3 2025", "by Q3 2025", "2025 年第三季度前"),
        ("not before H2 2026", "not before H2 2026", "不早于2026 年下半年"),
        ("July 2026", "July 2026", "2026年7月"),
        ("2027", "2027", "2027 年"),
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
    assert "2025 年第三季度前" in body


def test_language_switch_sets_the_language_and_returns_to_the_page(client):
    url = reverse("roadmap:milestone", args=["sec-first-phase-public-comment"])

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": url})

    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "历史记录" in page and "计划中" in page


def test_english_and_chinese_pages_are_cached_apart(client):
    url = reverse("roadmap:comparison")
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()

    assert "Compare jurisdictions" in english and "辖区对比" in chinese
