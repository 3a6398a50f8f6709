"""Build the benchmark data in bulk: N milestones over W workstreams, with their history.

Milestones are written with ``bulk_create`` (the services would take minutes for 10,000), but every
row is one the services could have written: valid targets, a creation entry, and for one in five a
slip recorded the way ``milestone_record_update`` records it.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from roadmap.models import (
    Authority,
    Jurisdiction,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Source,
    Status,
    UpdateKind,
    Workstream,
)
from roadmap.targets import Precision, Qualifier, Target, period_containing

BENCH_ROADMAP = "bench-roadmap"


def _target(rng: random.Random, today: datetime.date) -> Target:
    precision = rng.choice(
        [Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.HALF, Precision.UNDATED]
    )
    if precision == Precision.UNDATED:
        return Target.undated()
    day = today + datetime.timedelta(days=rng.randint(-400, 900))
    qualifier = rng.choice([Qualifier.ON, Qualifier.BY, Qualifier.BY, Qualifier.NOT_BEFORE])
    return Target(precision, *period_containing(day, precision), qualifier)


@transaction.atomic
def build_roadmap(*, milestones: int, workstreams: int = 50, seed: int = 7) -> Roadmap:
    """Replace the benchmark roadmap with one of ``milestones`` milestones; return it."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    Milestone.objects.filter(workstream__roadmap__slug=BENCH_ROADMAP).delete()
    Roadmap.objects.filter(slug=BENCH_ROADMAP).delete()
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        code="US", defaults={"name": "United States"}
    )
    authority, _ = Authority.objects.get_or_create(
        acronym="SEC", defaults={"jurisdiction": jurisdiction, "name": "SEC"}
    )
    roadmap = Roadmap.objects.create(
        slug=BENCH_ROADMAP, title="Benchmark roadmap", authority=authority
    )
    streams = Workstream.objects.bulk_create(
        Workstream(roadmap=roadmap, slug=f"ws-{n}", title=f"Workstream {n}", position=n)
        for n in range(workstreams)
    )
    rows = []
    for n in range(milestones):
        target = _target(rng, today)
        status = rng.choice([Status.PLANNED, Status.IN_PROGRESS, Status.DELAYED, Status.COMPLETED])
        milestone = Milestone(
            workstream=streams[n % workstreams],
            authority=authority,
            title=f"Benchmark milestone {n}",
            slug=f"bench-{n}",
            summary="A **benchmark** milestone with a [source](https://example.org).",
            status=status,
            progress=100 if status == Status.COMPLETED else rng.randint(0, 90),
            actual_date=today if status == Status.COMPLETED else None,
            created_at=now,
            updated_at=now,
        )
        milestone.target = target
        if target.is_dated and rng.random() < 0.2:
            milestone.earlier_target = target.shifted(-120)
            milestone.slip_count = 1
            milestone.slip_days = milestone.earlier_target.slip_days(target)
        if target.is_dated:
            milestone.baseline = getattr(milestone, "earlier_target", target).as_dict()
        rows.append(milestone)
    created = Milestone.objects.bulk_create(rows, batch_size=1000)
    updates, sources = [], []
    for milestone in created:
        updates.append(
            MilestoneUpdate(
                milestone=milestone,
                kind=UpdateKind.CREATED,
                recorded_at=now,
                new_status=milestone.status,
                new_target=milestone.target.as_dict(),
                new_progress=milestone.progress,
            )
        )
        sources.append(Source(milestone=milestone, title="Source", publisher="Publisher"))
        earlier = getattr(milestone, "earlier_target", None)
        if earlier:
            updates.append(
                MilestoneUpdate(
                    milestone=milestone,
                    kind=UpdateKind.CHANGED,
                    recorded_at=now,
                    note="Moved in the benchmark data",
                    old_target=earlier.as_dict(),
                    new_target=milestone.target.as_dict(),
                    slip_days=milestone.slip_days,
                )
            )
    MilestoneUpdate.objects.bulk_create(updates, batch_size=2000)
    Source.objects.bulk_create(sources, batch_size=2000)
    return roadmap
