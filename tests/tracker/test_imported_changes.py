"""An edition of the Unified Agenda that moves a date or drops a row reaches subscribers."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from roadmap.importers.unified_agenda import import_unified_agenda
from roadmap.models import Roadmap

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "roadmap" / "importers" / "fixtures"


def load(name):
    with (FIXTURES / name).open("rb") as stream:
        return import_unified_agenda(stream)


def test_the_slip_and_the_dropped_row_reach_the_next_digest(
    make_subscriber, django_capture_on_commit_callbacks
):
    from tracker.dispatch import dispatch_for
    from tracker.services import Follows

    load("agenda_202504.xml")
    agenda = Roadmap.objects.get(slug="us-unified-agenda")
    with time_machine.travel(datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC), tick=False):
        reader = make_subscriber(follows=Follows(roadmaps=[agenda]))
    with time_machine.travel(datetime.datetime(2026, 10, 20, tzinfo=datetime.UTC), tick=False):
        load("agenda_202510.xml")
    mail.outbox.clear()
    with (
        time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        dispatch_for(reader)
    [digest] = mail.outbox
    assert "Slipped" in digest.body
    assert "NPRM: Custody Rule Amendments for Crypto Assets" in digest.body
    assert "November 2026 → February 2027 (+90 days)" in digest.body
    assert "Dropped from the agenda in the Fall 2025 edition." in digest.body
    assert "Dropped from the agenda in the Fall 2025 edition (the rule is no longer listed)." in (
        digest.body
    )
