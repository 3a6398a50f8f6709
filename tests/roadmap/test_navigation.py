"""Finding one's way: index pages of roadmaps, jurisdictions, authorities and topics, linked from
the header, and a page for every public object."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap, Topic, Workstream
from tests.support.datasets import build_roadmap

pytestmark = pytest.mark.django_db

INDEXES = ["roadmaps", "jurisdictions", "authorities", "topics"]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_header_links_every_index_page(client, demo):
    page = client.get(reverse("roadmap:dashboard")).content.decode()

    header = page.split('<header class="site-header">')[1].split("</header>")[0]
    for name in INDEXES:
        assert f'href="{reverse(f"roadmap:{name}")}"' in header


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("roadmaps", ["SEC Crypto Task Force", "/roadmaps/sec-crypto-task-force/"]),
        ("jurisdictions", ["Singapore", "/jurisdictions/sg/", "MAS"]),
        ("authorities", ["European Securities and Markets Authority", "/authorities/ESMA/"]),
        ("topics", ["Stablecoins", "/topics/stablecoins/"]),
    ],
)
def test_each_index_lists_and_links_its_objects(client, demo, name, expected):
    response = client.get(reverse(f"roadmap:{name}"))

    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page


def test_the_roadmap_index_counts_open_milestones(client, demo):
    roadmap = Roadmap.objects.get(slug="sec-crypto-task-force")
    open_count = Milestone.objects.open().filter(workstream__roadmap=roadmap).count()

    page = client.get(reverse("roadmap:roadmaps")).content.decode()

    entry = page.split('href="/roadmaps/sec-crypto-task-force/"')[1].split("</li>")[0]
    assert f"{open_count} open" in entry


def test_every_public_object_has_a_page(client, demo):
    objects = [
        Roadmap.objects.first(),
        Workstream.objects.first(),
        Jurisdiction.objects.first(),
        Authority.objects.first(),
        Topic.objects.first(),
        Milestone.objects.first(),
    ]

    for instance in objects:
        response = client.get(instance.get_absolute_url())
        assert response.status_code == 200, instance
        assert str(instance.name if hasattr(instance, "name") else instance.title) in (
            response.content.decode().replace("&#x27;", "'")
        )


def test_the_authority_page_lists_its_milestones_only(client, demo):
    page = client.get(reverse("roadmap:authority", args=["MAS"])).content.decode()

    assert "Major payment institution licences" in page
    assert "Stablecoin reserve audit rules" not in page


def test_the_topic_page_lists_its_milestones_across_jurisdictions(client, demo):
    page = client.get(reverse("roadmap:topic", args=["stablecoins"])).content.decode()

    assert "Stablecoin reserve audit rules" in page
    assert "MiCA&#x27;s stablecoin titles apply" in page
    assert "Investor education programme launched" not in page


def test_an_unknown_authority_or_topic_is_a_404(client):
    assert client.get(reverse("roadmap:authority", args=["NOPE"])).status_code == 404
    assert client.get(reverse("roadmap:topic", args=["nope"])).status_code == 404


INDEX_QUERIES = 3
DETAIL_QUERIES = 12


@pytest.mark.parametrize("size", [100, 10_000])
def test_index_and_detail_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, size
):
    build_roadmap(milestones=size, workstreams=50)
    topic = Topic.objects.create(name="Bench topic", slug="bench-topic")
    topic.milestones.set(Milestone.objects.all()[: size // 2])

    for name in INDEXES:
        with django_assert_max_num_queries(INDEX_QUERIES):
            assert client.get(reverse(f"roadmap:{name}")).status_code == 200
    for url in [reverse("roadmap:authority", args=["SEC"]), topic.get_absolute_url()]:
        with django_assert_max_num_queries(DETAIL_QUERIES):
            assert client.get(url).status_code == 200


def test_the_indexes_read_in_chinese(client, demo):
    page = client.get(
        reverse("roadmap:authorities"), headers={"accept-language": "zh-CN"}
    ).content.decode()

    assert "<h1>监管机构</h1>" in page
    assert "个未完成" in page
