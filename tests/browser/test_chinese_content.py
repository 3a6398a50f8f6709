"""The pages in 简体中文, content included: they fit a phone, axe finds nothing, and an English
original shown for want of a Chinese version is marked and tagged lang="en"."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from roadmap.models import Milestone
from tests.browser.test_viewports import OVERFLOWING

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/compare/",
    "/roadmaps/sec-crypto-task-force/",
    "/milestones/sec-fsb-data-sharing/",
]
UNTRANSLATED = "Data-sharing mechanism with the Financial Stability Board"


@pytest.fixture
def chinese_page(chromium, request):
    context = chromium.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(demo_site):
    Milestone.objects.filter(slug="sec-fsb-data-sharing").update(title_zh_hans="")
    return demo_site


@pytest.mark.parametrize("chinese_page", [1280, 390], indirect=True, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES)
def test_chinese_page_fits_and_passes_axe(chinese_page, site, path):
    chinese_page.goto(f"{site}{path}?lang=zh-hans")

    assert chinese_page.locator("html").get_attribute("lang") == "zh-hans"
    assert chinese_page.evaluate(OVERFLOWING) == []
    results = Axe().run(
        chinese_page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
    )
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("chinese_page", [1280], indirect=True, ids=lambda w: f"{w}px")
def test_an_english_original_is_marked_on_a_chinese_page(chinese_page, site):
    chinese_page.goto(f"{site}/milestones/sec-fsb-data-sharing/?lang=zh-hans")

    heading = chinese_page.locator("h1")
    assert heading.locator('span[lang="en"]').inner_text() == UNTRANSLATED
    assert heading.locator(".original").inner_text() == "英文原文"
    assert chinese_page.locator(".breadcrumbs").get_by_text("SEC 加密货币工作组").is_visible()
