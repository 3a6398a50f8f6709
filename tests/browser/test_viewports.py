"""Every public page on a desktop and on a phone: nothing scrolls sideways, axe finds nothing,
the Content-Security-Policy is never violated."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/?jurisdiction=EU&status=planned",
    "/milestones/sec-first-phase-public-comment/",
    "/roadmaps/sec-crypto-task-force/",
    "/jurisdictions/eu/",
    "/roadmaps/",
    "/jurisdictions/",
    "/authorities/",
    "/authorities/SEC/",
    "/topics/",
    "/topics/stablecoins/",
    "/compare/",
    "/subscribe/",
    "/no-such-page/",
]
WIDTHS = [1280, 390]

# The right edge of every element that sticks out of the viewport, unless a box of its own
# scrolls it (a reader can pan that box without the page moving).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let box = element.parentElement; box; box = box.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((element) => element.getBoundingClientRect().right > width + 1 && !scrolls(element))
    .map((element) => element.outerHTML.slice(0, 80))
    .slice(0, 10);
}"""


@pytest.fixture
def sized_page(chromium, request):
    context = chromium.new_context(
        viewport={"width": request.param, "height": 900}, locale="en-GB", timezone_id="UTC"
    )
    page = context.new_page()
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page
    context.close()


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_the_viewport_and_passes_axe(sized_page, demo_site, path):
    sized_page.goto(demo_site + path)

    assert sized_page.evaluate(OVERFLOWING) == []
    assert sized_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    results = Axe().run(
        sized_page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
    )
    assert results.violations_count == 0, results.generate_report()
    assert sized_page.evaluate("window.__cspViolations") == []
