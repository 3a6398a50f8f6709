"""RSS and Atom feeds of updates, and iCalendar feeds read back by two independent parsers."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
import time_machine
import vobject
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from roadmap import services
from roadmap.calendar import CALENDAR_AHEAD, CALENDAR_PAST
from roadmap.feeds import ITEMS
from roadmap.models import Milestone, MilestoneUpdate
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
ATOM = "{http://www.w3.org/2005/Atom}"
# The demo's dated milestones around this day fall in the calendar's window.
CALENDAR_DAY = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)


def slip_the_consultation():
    milestone = Milestone.objects.get(slug="sec-first-phase-public-comment")
    return services.milestone_move_target(
        milestone=milestone, target=Target.parse("by Q4 2025"), note="Pushed back"
    )


def test_rss_lists_updates_newest_first(client):
    slip_the_consultation()

    root = ET.fromstring(client.get(reverse("roadmap:all-rss")).content)

    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles[0].startswith("First-phase outputs out for public comment: target by Q3 2025")
    assert len(titles) == min(MilestoneUpdate.objects.count(), ITEMS)
    assert root.find("channel/item/guid").get("isPermaLink") == "false"


def test_atom_feed_is_well_formed_with_links_to_the_history(client):
    slip_the_consultation()

    root = ET.fromstring(client.get(reverse("roadmap:all-atom")).content)

    entry = root.find(f"{ATOM}entry")
    assert "#update-" in entry.find(f"{ATOM}link").get("href")
    assert entry.find(f"{ATOM}updated").text


@pytest.mark.parametrize(
    ("name", "kwargs", "inside", "outside"),
    [
        ("roadmap-rss", {"key": "eu-mica"}, "MiCA applies in full", "Stablecoin reserve audit"),
        ("jurisdiction-rss", {"key": "jp"}, "FSA approval required", "MiCA"),
        (
            "workstream-rss",
            {"roadmap": "sec-crypto-task-force", "key": "nfts"},
            "NFT securitisation",
            "MiCA",
        ),
    ],
)
def test_scoped_feeds_hold_only_their_scope(client, name, kwargs, inside, outside):
    body = client.get(reverse(f"roadmap:{name}", kwargs=kwargs)).content.decode()

    assert inside in body and outside not in body


def test_feed_for_an_unknown_scope_is_a_404(client):
    assert client.get(reverse("roadmap:roadmap-rss", kwargs={"key": "nope"})).status_code == 404


@time_machine.travel(CALENDAR_DAY, tick=False)
def test_calendar_has_all_day_events_for_dated_milestones_only(client):
    body = client.get(reverse("roadmap:all-ics")).content

    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    today = CALENDAR_DAY.date()
    dated = Milestone.objects.filter(
        target_end__gte=today - CALENDAR_PAST,
        target_end__lte=today + CALENDAR_AHEAD,
    )
    assert {f"milestone-{pk}@127.0.0.1" for pk in dated.values_list("pk", flat=True)} == set(events)
    consultation = Milestone.objects.get(slug="sec-first-phase-public-comment")
    event = events[f"milestone-{consultation.pk}@127.0.0.1"]
    assert event.decoded("dtstart") == datetime.date(2025, 9, 30)
    assert event.decoded("dtend") == datetime.date(2025, 10, 1)
    assert "by Q3 2025" in str(event["summary"])
    assert "before Q3 2025" in str(event["description"])


@time_machine.travel(CALENDAR_DAY, tick=False)
def test_calendar_uid_is_stable_and_sequence_bumps_on_change(client):
    def consultation_event():
        cache.clear()
        body = client.get(reverse("roadmap:all-ics")).content
        return next(
            e
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
            if "First-phase" in str(e["summary"])
        )

    before = consultation_event()
    slip_the_consultation()
    after = consultation_event()

    assert after["uid"] == before["uid"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == datetime.date(2025, 12, 31)


@time_machine.travel(CALENDAR_DAY, tick=False)
def test_calendar_is_accepted_by_a_second_independent_parser(client):
    body = client.get(reverse("roadmap:roadmap-ics", kwargs={"key": "sec-crypto-task-force"}))

    calendar = vobject.readOne(body.content.decode())

    summaries = sorted(event.summary.value for event in calendar.vevent_list)
    assert "Crypto Task Force announced (on Jan. 21, 2025)" in summaries
    assert all(isinstance(e.dtstart.value, datetime.date) for e in calendar.vevent_list)
    assert calendar.version.value == "2.0"


def _event(client, title):
    cache.clear()
    body = client.get(reverse("roadmap:all-ics")).content
    return next(
        e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if title in str(e["summary"])
    )


@pytest.mark.parametrize(
    ("target", "confidence", "status", "precision"),
    [
        ("Q3 2026", "official", "TENTATIVE", "Sometime in Q3 2026; shown on its last day."),
        ("by H1 2027", "official", "TENTATIVE", "By H1 2027 at the latest; shown on its last day."),
        ("not before 2027", "reported", "TENTATIVE", "Not before 2027; shown on its first day."),
        ("2026-03-02", "reported", "TENTATIVE", "On this day, as reported."),
        ("2026-03-02", "estimated", "TENTATIVE", "On this day, as estimated."),
        ("2026-03-02", "official", "CONFIRMED", "On this day, as published by the authority."),
        ("by 2026-03-02", "official", "CONFIRMED", "By this day at the latest."),
    ],
)
def test_calendar_status_and_description_say_how_precise_the_day_is(
    client, target, confidence, status, precision
):
    MilestoneFactory(title="Precise thing", target=Target.parse(target), confidence=confidence)

    event = _event(client, "Precise thing")

    assert str(event["status"]) == status
    assert str(event["description"]).splitlines()[0] == precision


def test_calendar_description_of_a_fuzzy_target_reads_in_chinese(client):
    MilestoneFactory(title="Precise thing", target=Target.parse("Q3 2026"))

    with translation.override("zh-hans"):
        cache.clear()
        body = client.get(
            reverse("roadmap:all-ics"), headers={"accept-language": "zh-CN"}
        ).content.decode()

    assert "第三季度内某时；显示在其最后一天。" in body.replace("\r\n ", "")


def test_calendar_text_is_escaped_and_long_lines_folded_between_characters(client):
    title = "Rules; custody, \\ staking — " + "稳定币发行人的储备资产规则" * 8
    MilestoneFactory(title=title, target=Target.parse("Q3 2026"))
    cache.clear()

    body = client.get(reverse("roadmap:all-ics")).content

    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert f"{title} (Q3 2026)" in {str(event["summary"]) for event in events}
    [second] = [
        event
        for event in vobject.readOne(body.decode()).vevent_list
        if event.summary.value.startswith("Rules;")
    ]
    assert second.summary.value == f"{title} (Q3 2026)"
    assert second.description.value.splitlines()[0] == "Sometime in Q3 2026; shown on its last day."
