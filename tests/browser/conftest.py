"""A real browser for the tests in this folder: Debian's Chromium driven by Playwright.

Without /usr/bin/chromium the tests are skipped, saying why, except in CI where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.conftest import service_missing

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still synchronous, one at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        service_missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Asia/Singapore"
    )
    page = context.new_page()
    # Collect Content-Security-Policy violations; the init script runs outside the page's policy.
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page
    context.close()


@pytest.fixture
def demo_site(live_server, transactional_db):
    from config.celery import app

    cache.clear()
    app.conf.task_always_eager = True  # emails the pages cause go to Django's test outbox
    call_command("load_demo_roadmap", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield live_server.url
    app.conf.task_always_eager = False
    cache.clear()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
