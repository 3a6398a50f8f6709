"""Racing writers on PostgreSQL: the database's constraints decide, and nobody gets a 500.

Threads each use their own database connection, so the races are real transactions racing in
PostgreSQL, not turns taken in one connection.
"""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import service_missing
from tracker import services
from tracker.dispatch import dispatch
from tracker.models import Delivery, DeliveryKind, Subscriber

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        service_missing("racing transactions need PostgreSQL: set DATABASE_URL")


def race(action, count=6):
    """Run ``action`` in ``count`` threads released at the same moment; return their errors."""
    start, errors = threading.Barrier(count), []

    def run():
        try:
            start.wait()
            action()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_many_subscribes_of_one_address_make_one_subscriber():
    errors = race(
        lambda: services.subscriber_subscribe(
            email="Race@Example.com",
            preferences={"reminder_days": [7]},
            follows=services.Follows(everything=True),
        )
    )
    assert errors == []
    assert Subscriber.objects.filter(email__iexact="race@example.com").count() == 1


def test_dispatchers_racing_for_the_same_slot_write_each_digest_once(make_subscriber):
    import datetime

    from tests.factories import MilestoneFactory

    now = datetime.datetime.now(datetime.UTC).replace(minute=1, second=0, microsecond=0)
    earlier = now - datetime.timedelta(hours=2)
    people = [make_subscriber(email=f"reader{n}@example.com") for n in range(20)]
    Subscriber.objects.filter(pk__in=[p.pk for p in people]).update(
        send_hour=now.hour, timezone="UTC", digest_cursor=earlier
    )
    MilestoneFactory()
    errors = race(lambda: dispatch(now))
    assert errors == []
    digests = Delivery.objects.filter(kind=DeliveryKind.DIGEST)
    assert digests.count() == 20
    assert digests.values("subscriber").distinct().count() == 20
