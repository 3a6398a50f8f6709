"""A reader in a real browser: the demo dashboard, filters, history, languages, CSP (every page's
accessibility and fit on a phone: test_viewports.py)."""

import pytest

from roadmap import services
from roadmap.models import Milestone
from roadmap.targets import Target

pytestmark = pytest.mark.django_db(transaction=True)


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_dashboard_renders_the_demo_roadmap(page, demo_site, screenshot_dir):
    page.goto(demo_site + "/")

    assert page.title().startswith("Dashboard")
    assert page.locator("svg.timeline a.tl-item").count() >= 5
    assert page.get_by_role(
        "link", name="First-phase outputs out for public comment"
    ).first.is_visible()
    page.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)
    assert (screenshot_dir / "dashboard.png").stat().st_size > 10_000
    assert csp_violations(page) == []


def test_filters_change_the_url_and_the_content(page, demo_site):
    page.goto(demo_site + "/")

    page.get_by_label("Jurisdiction").select_option("EU")
    page.get_by_role("button", name="Apply filters").click()

    assert "jurisdiction=EU" in page.url
    table = page.locator("table.milestones")
    assert table.get_by_text("MiCA applies in full").is_visible()
    assert table.get_by_text("Stablecoin reserve audit rules").count() == 0


def test_milestone_page_shows_its_history(page, demo_site):
    milestone = Milestone.objects.get(slug="sec-first-phase-public-comment")
    services.milestone_move_target(
        milestone=milestone, target=Target.parse("by Q4 2025"), note="Pushed back a quarter"
    )
    page.goto(demo_site + "/")

    page.locator("table.milestones").get_by_role(
        "link", name="First-phase outputs out for public comment"
    ).click()

    history = page.locator("ol.history")
    assert history.get_by_text("target by Q3 2025 → by Q4 2025 (+92 days)").is_visible()
    assert history.get_by_text("Pushed back a quarter").is_visible()
    assert csp_violations(page) == []


def test_language_switch_shows_the_site_in_chinese(page, demo_site, screenshot_dir):
    page.goto(demo_site + "/milestones/sec-first-phase-public-comment/")

    page.get_by_role("link", name="简体中文").click()

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="历史记录").is_visible()
    assert page.get_by_text("2025年第三季度前").first.is_visible()
    page.screenshot(path=screenshot_dir / "milestone-zh.png")


def test_subscribing_from_a_milestone_page(page, demo_site, mailoutbox):
    page.goto(demo_site + "/milestones/sec-first-phase-public-comment/")
    page.get_by_role("link", name="Get email reminders and digests for this").click()

    assert page.get_by_label("Time zone").input_value() == "Asia/Singapore"  # the reader's own
    milestone = page.get_by_role("checkbox", name="First-phase outputs out for public comment")
    assert milestone.is_checked()
    page.get_by_label("Email address").fill("reader@example.com")
    page.get_by_role("button", name="Subscribe").click()

    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    assert csp_violations(page) == []
    [confirmation] = mailoutbox
    assert confirmation.to == ["reader@example.com"]
