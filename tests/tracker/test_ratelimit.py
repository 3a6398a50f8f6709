"""The per-address limit counts mailboxes, not spellings of them; delivery keeps the spelling."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tracker.models import Subscriber
from tracker.ratelimit import mailbox

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("a.b+x@gmail.com", "ab@gmail.com"),
        ("A.B@GoogleMail.com", "ab@gmail.com"),
        ("ab@gmail.com", "ab@gmail.com"),
        ("first.last+news@example.org", "first.last@example.org"),
        (" Reader@Example.COM ", "reader@example.com"),
        ("+only@example.org", "+only@example.org"),
    ],
)
def test_mailbox_variants_are_one_mailbox(address, expected):
    assert mailbox(address) == expected


@override_settings(SUBSCRIBE_RATE_PER_ADDRESS="2/hour", SUBSCRIBE_RATE_PER_CLIENT="100/hour")
def test_spellings_of_one_mailbox_share_its_limit_and_keep_their_own_address(
    client, subscribe_form, django_capture_on_commit_callbacks
):
    spellings = ["ab@gmail.com", "a.b+x@gmail.com", "A.B+y@googlemail.com"]

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(
                reverse("tracker:subscribe"), {**subscribe_form, "email": email}
            ).status_code
            for email in spellings
        ]

    assert answers == [302, 302, 429]
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "a.b+x@gmail.com",
        "ab@gmail.com",
    ]
