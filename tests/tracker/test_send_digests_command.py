"""send_digests for one subscriber: a dry run shows the email itself, and nothing is written."""

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tests.tracker.test_dispatch import at, milestone_at, subscribe_at
from tracker.models import Delivery, DeliveryKind

pytestmark = pytest.mark.django_db


def test_a_dry_run_for_one_subscriber_prints_the_digest_it_would_send(make_subscriber, capsys):
    subscribe_at(at(2026, 1, 5, 5), make_subscriber, digest_frequency="weekly", digest_weekday=4)
    milestone_at(at(2026, 1, 5, 6), title="Stablecoin reserve audit rules")
    mail.outbox.clear()

    with time_machine.travel(at(2026, 1, 5, 15), tick=False):
        call_command("send_digests", "--subscriber", "reader@example.com", "--dry-run")

    out = capsys.readouterr().out
    assert "Subject: " in out
    assert "Stablecoin reserve audit rules" in out
    assert "1 digest(s) would be queued" in out
    assert not Delivery.objects.filter(kind=DeliveryKind.DIGEST).exists() and not mail.outbox
