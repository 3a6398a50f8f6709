"""How fresh the data is: when it last changed, when the sources were last checked, and which
milestones no source has confirmed for a long time."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from roadmap import services
from roadmap.freshness import UNCONFIRMED_AFTER_DAYS
from roadmap.models import Source
from roadmap.sources import services as watch_services
from roadmap.sources.models import RunState, Watch, WatchKind, WatchRun
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
CHANGED = datetime.datetime(2025, 3, 4, 10, tzinfo=datetime.UTC)
CHECKED = datetime.datetime(2025, 6, 7, 8, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _footer(page: str) -> str:
    return page.split('<footer class="site-footer">')[1]


def _watch_run(finished_at, state=RunState.OK):
    watch = Watch.objects.get_or_create(
        name="sec-rules",
        defaults={"kind": WatchKind.FEED, "url": "https://example.org/feed.xml"},
    )[0]
    return WatchRun.objects.create(
        watch=watch, state=state, started_at=finished_at, finished_at=finished_at
    )


@pytest.mark.parametrize(
    "name", ["roadmap:dashboard", "roadmap:comparison", "roadmap:topics", "tracker:subscribe"]
)
def test_every_page_says_when_the_data_changed_and_the_sources_were_checked(client, name):
    with time_machine.travel(CHANGED, tick=False):
        MilestoneFactory()
    _watch_run(CHECKED)
    _watch_run(CHECKED + datetime.timedelta(days=1), state=RunState.FAILED)

    footer = _footer(client.get(reverse(name)).content.decode())

    assert 'Data last changed <time datetime="2025-03-04T10:00:00+00:00">' in footer
    assert 'Sources last checked <time datetime="2025-06-07T08:30:00+00:00">' in footer


def test_a_site_no_watch_has_checked_says_so(client):
    MilestoneFactory()

    footer = _footer(client.get(reverse("roadmap:dashboard")).content.decode())

    assert "No source has been checked automatically yet." in footer


def test_a_finished_watch_run_refreshes_the_cached_pages(
    client, django_capture_on_commit_callbacks
):
    MilestoneFactory()
    client.get(reverse("roadmap:dashboard"))
    watch = Watch.objects.create(
        name="sec-rules", kind=WatchKind.FEED, url="https://example.org/feed.xml"
    )
    record = WatchRun.objects.create(watch=watch, started_at=CHECKED)
    record.state, record.finished_at = RunState.OK, CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        watch_services._finish(watch, record)

    footer = _footer(client.get(reverse("roadmap:dashboard")).content.decode())
    assert 'Sources last checked <time datetime="2025-06-07T08:30:00+00:00">' in footer


def test_a_milestone_no_source_confirmed_for_long_says_so(client):
    confirmed = datetime.datetime(2025, 1, 2, 12, tzinfo=datetime.UTC)
    with time_machine.travel(confirmed, tick=False):
        milestone = MilestoneFactory(
            target=Target.parse("Q3 2026"),
            sources=[{"title": "Plan", "publisher": "SEC", "accessed_on": confirmed.date()}],
        )
    later = confirmed + datetime.timedelta(days=UNCONFIRMED_AFTER_DAYS + 1)

    with time_machine.travel(later):
        page = client.get(milestone.get_absolute_url()).content.decode()

    assert "No source has confirmed this milestone since" in page
    assert '<time datetime="2025-01-02">' in page


def test_a_recently_confirmed_milestone_says_nothing_of_the_kind(client):
    milestone = MilestoneFactory(target=Target.parse("Q3 2026"))
    services.milestone_record_update(
        milestone=milestone,
        progress=10,
        source=Source.objects.create(milestone=milestone, title="Speech", publisher="SEC"),
    )

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "No source has confirmed" not in page


def test_a_milestone_without_any_source_says_so(client):
    milestone = MilestoneFactory(target=Target.parse("Q3 2026"))

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "No source has confirmed this milestone yet." in page


def test_the_freshness_line_reads_in_chinese(client):
    MilestoneFactory()

    page = client.get(reverse("roadmap:dashboard"), headers={"accept-language": "zh-CN"})

    assert "数据最近更新于 <time" in _footer(page.content.decode())
