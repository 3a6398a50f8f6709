"""The page cache is keyed on what a page reads: other parameters and their order make no new
entry, and pages with a query are stored only up to an hourly budget."""

import pytest
from django.urls import reverse

from roadmap import cache as page_cache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_parameters_no_page_reads_share_the_pages_entry(client, django_assert_num_queries):
    url = reverse("roadmap:dashboard")
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url, {"utm_source": "mail", "fbclid": "x1"})

    assert response.status_code == 200
    assert "utm_source" not in response.content.decode()


def test_unread_parameters_never_reach_the_stored_page(client):
    url = reverse("roadmap:dashboard")
    first = client.get(url, {"utm_source": "campaign-0042"})

    assert "campaign-0042" not in first.content.decode()
    assert first.content == client.get(url).content


def test_the_order_of_parameters_makes_no_new_entry(client, django_assert_num_queries):
    url = reverse("roadmap:dashboard")
    client.get(f"{url}?status=planned&q=stable&status=delayed")

    with django_assert_num_queries(0):
        client.get(f"{url}?q=stable&status=delayed&status=planned")


def test_pages_with_a_query_are_stored_only_up_to_the_hours_budget(
    client, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    monkeypatch.setattr(page_cache, "QUERY_PAGES_PER_HOUR", 3)
    url = reverse("roadmap:dashboard")
    for number in range(5):
        client.get(url, {"q": f"search {number}"})

    with django_assert_num_queries(0):
        client.get(url, {"q": "search 2"})
    with django_assert_max_num_queries(50) as over_budget:
        client.get(url, {"q": "search 4"})
    assert len(over_budget.captured_queries) > 0
    client.get(reverse("roadmap:comparison"))
    with django_assert_num_queries(0):
        client.get(reverse("roadmap:comparison"))  # a page without a query is still stored
