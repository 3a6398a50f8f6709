"""The language switch from a first-time visitor's browser, on pages already in the cache."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/", "/milestones/sec-first-phase-public-comment/"])
def test_a_cold_browser_switches_language_on_a_cached_page(page, demo_site, path):
    assert Client().get(path).status_code == 200  # another reader warmed the cache

    page.goto(demo_site + path)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.url == demo_site + path
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_switch_keeps_the_pages_filters(page, demo_site):
    page.goto(demo_site + "/?jurisdiction=EU")

    page.get_by_role("link", name="简体中文").click()

    assert page.url == demo_site + "/?jurisdiction=EU"
    assert page.get_by_label("司法辖区").input_value() == "EU"
