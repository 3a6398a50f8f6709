"""The public pages: what a reader sees, with bad input and at scale."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from roadmap import services
from roadmap.models import Milestone, Status
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tests.support.datasets import build_roadmap

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 8, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@time_machine.travel(TODAY)
def test_dashboard_shows_the_demo_roadmap_at_a_glance(client, demo):
    page = client.get(reverse("roadmap:dashboard")).content.decode()

    assert "First-phase outputs out for public comment" in page
    assert "by Q3 2025" in page
    assert '<svg class="timeline"' in page
    assert "No date yet" in page  # the list of undated milestones
    # The public record reports it done by February 2025, so it is no longer due.
    due_section = page.split('id="due-heading"')[1].split('id="overdue-heading"')[0]
    assert "Nothing is due in the next 90 days." in due_section


@time_machine.travel(TODAY)
def test_overdue_lists_open_milestones_past_their_deadline(client):
    MilestoneFactory(title="Late rule", target=Target.parse("by Q1 2025"))
    MilestoneFactory(title="Done rule", target=Target.parse("Q1 2025"), status=Status.COMPLETED)

    page = client.get(reverse("roadmap:dashboard")).content.decode()

    overdue = page.split('id="overdue-heading"')[1].split('id="changes-heading"')[0]
    assert "Late rule" in overdue and "Done rule" not in overdue


def test_filters_live_in_the_query_string_and_change_the_content(client, demo):
    url = reverse("roadmap:dashboard") + "?jurisdiction=EU&status=completed"

    page = client.get(url).content.decode()

    assert "MiCA applies in full" in page
    assert "Stablecoin reserve audit rules" not in page


def test_text_search_finds_by_title_and_summary(client, demo):
    page = client.get(reverse("roadmap:dashboard"), {"q": "reserve audit"}).content.decode()

    assert "Stablecoin reserve audit rules" in page
    assert "Investor education programme launched" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "bogus"}, "Select a valid choice"),
        ({"jurisdiction": "XX"}, "Select a valid choice"),
        ({"due_from": "2025-99-01"}, "Enter a valid date"),
        ({"due_from": "2025-09-01", "due_to": "2025-01-01"}, "can't be before"),
        ({"q": "x" * 500}, "at most 100 characters"),
    ],
)
def test_bad_filters_give_a_normal_page_with_a_clear_message(client, demo, query, message):
    response = client.get(reverse("roadmap:dashboard"), query)

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert message in page
    assert "First-phase outputs out for public comment" in page  # the rest still works


def test_script_in_a_search_term_is_never_echoed_unescaped(client, demo):
    response = client.get(reverse("roadmap:dashboard"), {"q": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_a_huge_query_string_is_refused_with_a_400_page(client):
    query = "&".join(f"status={n}" for n in range(2000))

    response = client.get(reverse("roadmap:dashboard") + "?" + query)

    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_milestone_page_shows_target_sources_dependencies_and_history(client, demo):
    milestone = Milestone.objects.get(slug="sec-first-phase-public-comment")
    services.milestone_move_target(
        milestone=milestone, target=Target.parse("by Q4 2025"), note="Pushed back"
    )

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "by Q4 2025" in page
    assert "target by Q3 2025 → by Q4 2025 (+92 days)" in page
    assert "Pushed back" in page
    assert "Chinese-language news report" in page
    assert page.index("Pushed back") < page.index("Loaded from the demo roadmap.")


def test_milestone_page_shows_dependencies_both_ways(client, demo):
    prerequisite = Milestone.objects.get(slug="sec-tiered-asset-assessment")

    page = client.get(prerequisite.get_absolute_url()).content.decode()

    needed_by = page.split('id="dependents-heading"')[1]
    assert "Admission rules for exchanges and wallet operators" in needed_by


def test_markdown_summary_is_sanitised_on_the_page(client):
    milestone = MilestoneFactory(summary="Hello <script>alert(1)</script> **world**")

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "<strong>world</strong>" in page and "<script>alert" not in page


def test_unknown_milestone_gives_the_friendly_404(client):
    response = client.get(reverse("roadmap:milestone", args=["no-such-milestone"]))

    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("name", ["roadmap", "workstream", "jurisdiction", "comparison"])
def test_roadmap_workstream_jurisdiction_and_comparison_pages_render(client, demo, name):
    urls = {
        "roadmap": reverse("roadmap:roadmap", args=["sec-crypto-task-force"]),
        "workstream": reverse("roadmap:workstream", args=["sec-crypto-task-force", "stablecoins"]),
        "jurisdiction": reverse("roadmap:jurisdiction", args=["sg"]),
        "comparison": reverse("roadmap:comparison"),
    }

    response = client.get(urls[name])

    assert response.status_code == 200
    page = response.content.decode()
    expected = {
        "roadmap": "Cross-border cooperation",
        "workstream": "Stablecoin reserve audit rules",
        "jurisdiction": "Major payment institution licences",
        "comparison": "MiCA&#x27;s stablecoin titles apply",
    }[name]
    assert expected in page


def test_comparison_puts_each_jurisdiction_side_by_side_per_topic(client, demo):
    page = client.get(reverse("roadmap:comparison")).content.decode()

    stablecoins = page.split('<th scope="row">Stablecoins</th>')[1].split("</tr>")[0]
    assert "Stablecoin reserve audit rules" in stablecoins
    assert "MiCA&#x27;s stablecoin titles apply" in stablecoins


def test_pages_have_title_canonical_and_open_graph_tags(client, demo):
    milestone = Milestone.objects.get(slug="sec-first-phase-public-comment")

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "<title>First-phase outputs out for public comment ·" in page
    assert f'rel="canonical" href="http://testserver{milestone.get_absolute_url()}"' in page
    assert 'property="og:title" content="First-phase outputs out for public comment"' in page


def test_cached_page_is_refreshed_by_any_change(client, demo):
    url = reverse("roadmap:dashboard")
    client.get(url)
    milestone = Milestone.objects.get(slug="sec-nft-securitisation")

    services.milestone_record_update(milestone=milestone, title="NFT securitisation, renamed")

    assert "NFT securitisation, renamed" in client.get(url).content.decode()


def test_cached_page_is_served_without_queries(client, demo, django_assert_num_queries):
    url = reverse("roadmap:comparison")
    client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


DASHBOARD_QUERIES = 14
MILESTONE_QUERIES = 8


@pytest.mark.parametrize("size", [100, 10_000])
def test_dashboard_and_milestone_page_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, size
):
    build_roadmap(milestones=size, workstreams=50)
    milestone = Milestone.objects.filter(updates__kind="changed").first()

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("roadmap:dashboard"), {"status": "planned"}).status_code == 200
    with django_assert_max_num_queries(MILESTONE_QUERIES):
        assert client.get(milestone.get_absolute_url()).status_code == 200
