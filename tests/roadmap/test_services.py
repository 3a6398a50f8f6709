import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from roadmap import services
from roadmap.models import Milestone, MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", first_name="Eda", last_name="Tor")


def test_create_records_the_first_history_entry(editor):
    milestone = MilestoneFactory(
        target=Target.parse("before Q3 2025"), by=editor, note="From the article"
    )

    (update,) = milestone.updates.all()
    assert update.kind == UpdateKind.CREATED
    assert update.new_status == Status.PLANNED
    assert update.new_target_value.same_dates(Target.parse("by Q3 2025"))
    assert (update.recorded_by, update.note) == (editor, "From the article")


def test_create_makes_a_unique_slug_from_the_title():
    first = MilestoneFactory(title="Stablecoin reserve audits")
    second = MilestoneFactory(title="Stablecoin reserve audits")

    assert (first.slug, second.slug) == ("stablecoin-reserve-audits", "stablecoin-reserve-audits-2")


def test_moving_the_target_later_is_a_slip(editor):
    milestone = MilestoneFactory(target=Target.parse("Q2 2025"))

    milestone = services.milestone_move_target(
        milestone=milestone, target=Target.parse("Q3 2025"), by=editor, note="Agenda moved"
    )

    update = milestone.updates.first()
    assert (update.kind, update.slip_days, update.note, update.recorded_by) == (
        UpdateKind.CHANGED,
        92,
        "Agenda moved",
        editor,
    )
    assert update.old_target_value.words() == "Q2 2025"
    assert (milestone.slip_count, milestone.slip_days) == (1, 92)


def test_bringing_the_target_forward_is_not_counted_as_a_slip():
    milestone = MilestoneFactory(target=Target.parse("Q3 2025"))

    milestone = services.milestone_move_target(milestone=milestone, target=Target.parse("Q2 2025"))

    assert (milestone.slip_count, milestone.slip_days) == (0, -92)
    assert milestone.updates.first().slip_days == -92


def test_slips_add_up():
    milestone = MilestoneFactory(target=Target.parse("2025-03"))
    milestone = services.milestone_shift_target(milestone=milestone, days=31, note="first")
    milestone = services.milestone_shift_target(milestone=milestone, days=30, note="second")

    assert milestone.target.words() == "May 2025"
    assert (milestone.slip_count, milestone.slip_days) == (2, 30 + 31)


def test_dating_an_undated_milestone_is_a_change_but_not_a_slip():
    milestone = MilestoneFactory(target=Target.undated())

    milestone = services.milestone_move_target(milestone=milestone, target=Target.parse("2026"))

    update = milestone.updates.first()
    assert update.new_target is not None and update.slip_days is None
    assert milestone.slip_count == 0


@time_machine.travel(datetime.datetime(2025, 8, 1, 12, tzinfo=datetime.UTC))
def test_completing_sets_progress_and_actual_date():
    milestone = MilestoneFactory(progress=40)

    milestone = services.milestone_change_status(milestone=milestone, status=Status.COMPLETED)

    assert (milestone.progress, milestone.actual_date) == (100, datetime.date(2025, 8, 1))
    update = milestone.updates.first()
    assert (update.old_status, update.new_status) == (Status.PLANNED, Status.COMPLETED)
    assert (update.old_progress, update.new_progress) == (40, 100)


def test_a_final_status_cannot_be_left():
    milestone = MilestoneFactory()
    services.milestone_change_status(milestone=milestone, status=Status.CANCELLED)

    with pytest.raises(ValidationError) as error:
        services.milestone_change_status(milestone=milestone, status=Status.IN_PROGRESS)

    assert "status" in error.value.message_dict
    assert Milestone.objects.get(pk=milestone.pk).status == Status.CANCELLED
    assert milestone.updates.count() == 2


def test_invalid_progress_is_refused_and_nothing_is_recorded():
    milestone = MilestoneFactory()

    with pytest.raises(ValidationError) as error:
        services.milestone_set_progress(milestone=milestone, progress=150)

    assert "progress" in error.value.message_dict
    assert milestone.updates.count() == 1


def test_a_change_that_changes_nothing_records_nothing():
    milestone = MilestoneFactory(target=Target.parse("Q3 2025"))

    services.milestone_record_update(
        milestone=milestone, target=Target.parse("Q3 2025"), progress=0
    )

    assert milestone.updates.count() == 1


def test_a_note_alone_is_recorded_as_a_note():
    milestone = MilestoneFactory()

    services.milestone_record_update(milestone=milestone, note="Consultation paper published")

    assert milestone.updates.first().kind == UpdateKind.NOTE


def test_the_service_compares_with_the_stored_row_not_the_callers_copy():
    milestone = MilestoneFactory(progress=10)
    stale = Milestone.objects.get(pk=milestone.pk)
    services.milestone_set_progress(milestone=milestone, progress=50)

    services.milestone_set_progress(milestone=stale, progress=60)

    assert list(milestone.updates.values_list("old_progress", "new_progress")[:2]) == [
        (50, 60),
        (10, 50),
    ]


def test_dependency_loops_are_refused():
    first, second, third = MilestoneFactory(), MilestoneFactory(), MilestoneFactory()
    services.milestone_add_dependency(milestone=second, prerequisite=first)
    services.milestone_add_dependency(milestone=third, prerequisite=second)

    with pytest.raises(ValidationError, match="loop"):
        services.milestone_add_dependency(milestone=first, prerequisite=third)
    with pytest.raises(ValidationError, match="itself"):
        services.milestone_add_dependency(milestone=first, prerequisite=first)
    assert list(third.depends_on.all()) == [second]
    assert list(first.dependents.all()) == [second]


def test_describe_says_what_changed():
    milestone = MilestoneFactory(target=Target.parse("Q2 2025"))
    services.milestone_record_update(
        milestone=milestone, status=Status.DELAYED, target=Target.parse("Q3 2025"), progress=20
    )

    update = MilestoneUpdate.objects.filter(milestone=milestone).first()
    assert update.describe() == (
        "status planned → delayed; target Q2 2025 → Q3 2025 (+92 days); progress 0% → 20%"
    )


def _rows_of(milestone):
    """What creating ``milestone`` wrote, without ids and the moment it was written."""
    skip = {"id", "milestone", "created_at", "updated_at", "recorded_at", "source"}

    def values(instance):
        return {
            field.attname: getattr(instance, field.attname)
            for field in instance._meta.concrete_fields
            if field.name not in skip and field.attname not in {"slug", "milestone_id"}
        }

    stored = Milestone.objects.get(pk=milestone.pk)
    update = stored.updates.get()
    return (
        values(stored),
        sorted(tuple(sorted(values(s).items())) for s in stored.sources.all()),
        sorted(values(update).items()),
        update.source.title if update.source else None,
        sorted(stored.topics.values_list("slug", flat=True)),
        stored.forecast is not None if hasattr(stored, "forecast") else None,
    )


def test_creating_many_writes_the_same_rows_as_creating_one_at_a_time():
    from roadmap.models import Topic
    from tests.factories import AuthorityFactory, WorkstreamFactory

    workstream, authority = WorkstreamFactory(), AuthorityFactory()
    topic = Topic.objects.create(name="Stablecoins", slug="stablecoins")
    published = datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    specs = [
        {
            "title": "NPRM: custody",
            "target": Target.parse("November 2026"),
            "sources": [
                {"title": "Agenda", "publisher": "reginfo.gov", "url": "https://a.example/"}
            ],
            "note": "Imported.",
            "observed_at": published,
            "topics": [topic],
        },
        {
            "title": "Final rule: custody",
            "status": Status.COMPLETED,
            "actual_date": datetime.date(2025, 3, 15),
            "target": Target.on_day(datetime.date(2025, 3, 15)),
            "legal_deadline": "statutory",
            "sources": [
                {"title": "Agenda", "publisher": "reginfo.gov"},
                {"title": "90 FR 12345", "publisher": "Federal Register"},
            ],
        },
        {"title": "Undated step", "summary": "No date yet."},
    ]
    common = {"workstream": workstream, "authority": authority}
    clock = time_machine.travel(datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.UTC), tick=False)
    clock.start()
    one_by_one = [
        services.milestone_create(slug=f"one-{n}", **common, **spec) for n, spec in enumerate(specs)
    ]
    together = services.milestones_create(
        milestones=[{"slug": f"many-{n}", **common, **spec} for n, spec in enumerate(specs)]
    )
    clock.stop()
    assert [_rows_of(m) for m in together] == [_rows_of(m) for m in one_by_one]


def _history_of(milestone):
    """What ``milestone`` holds and what its history recorded, without ids and moments."""
    skip = {"id", "milestone", "slug", "created_at", "updated_at", "recorded_at", "source"}

    def values(instance):
        return tuple(
            (field.attname, getattr(instance, field.attname))
            for field in instance._meta.concrete_fields
            if field.name not in skip
        )

    stored = Milestone.objects.get(pk=milestone.pk)
    return (
        values(stored),
        [values(source) for source in stored.sources.order_by("pk")],
        [
            (values(update), update.source.title if update.source else None)
            for update in stored.updates.order_by("pk")
        ],
    )


def test_recording_many_changes_writes_the_same_rows_as_recording_one_at_a_time():
    from roadmap.forecasts import clocks
    from tests.factories import AuthorityFactory, WorkstreamFactory

    common = {"workstream": WorkstreamFactory(), "authority": AuthorityFactory()}
    agenda = {"title": "Agenda, Fall 2026", "publisher": "reginfo.gov", "url": "https://a.example/"}
    citation = {"title": "91 FR 100", "publisher": "Federal Register"}
    published = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    specs = [
        {"title": "NPRM", "target": Target.parse("November 2026")},
        {"title": "Final rule", "target": Target.parse("March 2027")},
        {"title": "Roundtable", "target": Target.parse("Q1 2027")},
        {"title": "Report", "target": Target.parse("2027")},
        {"title": "Comment period", "target": Target.parse("December 2026")},
    ]
    changes = [
        ({"target": Target.parse("January 2027")}, "Slipped.", [agenda]),
        (
            {"status": Status.COMPLETED, "actual_date": datetime.date(2026, 9, 2)},
            "Published.",
            [citation, agenda],
        ),
        ({"title": "Roundtable (corrected)", "target": Target.undated()}, "Withdrawn.", [agenda]),
        ({}, "Still listed.", []),
        ({"target": Target.parse("December 2026")}, "", [agenda]),  # the same dates: no entry
    ]
    clock = time_machine.travel(datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.UTC), tick=False)
    clock.start()
    sets = []
    for prefix in ("one", "many"):
        created = services.milestones_create(
            milestones=[{"slug": f"{prefix}-{n}", **common, **s} for n, s in enumerate(specs)]
        )
        # A milestone whose clock counts from the first: it moves with it, whichever door.
        counted = services.milestone_create(slug=f"{prefix}-clocked", title="Hearing", **common)
        services.milestone_set_clock(
            milestone=counted, terms=[clocks.Term(after=created[0].pk, offset=30)]
        )
        sets.append([*created, counted])
    for milestone, (change, note, sources) in zip(sets[0], changes, strict=False):
        added = [services.source_add(milestone=milestone, **fields) for fields in sources]
        services.milestone_record_update(
            milestone=milestone,
            note=note,
            source=added[-1] if added else None,
            observed_at=published,
            **change,
        )
    services.milestones_record_update(
        changes=[
            services.Change(milestone, change, note, sources, published)
            for milestone, (change, note, sources) in zip(sets[1], changes, strict=False)
        ]
    )
    clock.stop()
    one_at_a_time, together = ([_history_of(m) for m in milestones] for milestones in sets)
    assert together == one_at_a_time
    assert [len(history[2]) for history in together] == [2, 2, 2, 2, 1, 3]


def test_a_bulk_change_forecasts_its_milestones_as_changing_them_one_at_a_time_does(demo):
    from roadmap.models import Forecast

    services.forecasts_refresh()
    open_ones = Milestone.objects.open().listed().with_deadline().filter(clock_terms=None)
    changed = list(open_ones.order_by("pk")[:6])
    with services.bulk_changes():
        for milestone in changed:
            services.milestone_shift_target(milestone=milestone, days=200)
    fields = ["milestone_id", "p50", "p80", "target_end", "sample_size", "level", "slipped", "aged"]
    forecasts = Forecast.objects.filter(milestone__in=changed).order_by("milestone_id")
    together = list(forecasts.values_list(*fields))
    for milestone in Milestone.objects.filter(pk__in=[m.pk for m in changed]):
        services.forecast_refresh(milestone=milestone)
    assert together == list(forecasts.values_list(*fields))
    assert len(together) == len(changed)
    assert [row[3] for row in together] == [m.target.shifted(200).span()[1] for m in changed]
