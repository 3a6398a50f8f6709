"""The models' invariants: clean() gives the message, the database refuses whatever slips past."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roadmap.models import Dependency, Milestone, MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Target
from tests.factories import JurisdictionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def stored_update_refused(milestone, **fields):
    """Write ``fields`` straight to the row, past forms and services; tell if the DB said no."""
    try:
        with transaction.atomic():
            Milestone.objects.filter(pk=milestone.pk).update(**fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "fields",
    [
        {
            "target_precision": "quarter",
            "target_start": D(2025, 2, 1),
            "target_end": D(2025, 4, 30),
        },
        {
            "target_precision": "quarter",
            "target_start": D(2025, 7, 1),
            "target_end": D(2025, 9, 29),
        },
        {"target_precision": "month", "target_start": D(2025, 4, 1), "target_end": D(2025, 5, 31)},
        {"target_precision": "month", "target_start": D(2025, 1, 2), "target_end": D(2025, 1, 31)},
        {"target_precision": "half", "target_start": D(2025, 4, 1), "target_end": D(2025, 9, 30)},
        {"target_precision": "year", "target_start": D(2025, 1, 1), "target_end": D(2026, 12, 31)},
        {"target_precision": "day", "target_start": D(2025, 1, 1), "target_end": D(2025, 1, 2)},
        {"target_precision": "day", "target_start": D(2025, 1, 2), "target_end": D(2025, 1, 1)},
        {"target_precision": "undated", "target_start": D(2025, 1, 1), "target_end": None},
        {"target_precision": "month", "target_start": None, "target_end": None},
        {"target_precision": "fortnight"},
        {"target_qualifier": "around"},
        {"progress": 101},
        {"status": "abandoned"},
        {"confidence": "rumoured"},
        {"status": Status.COMPLETED, "actual_date": None},
        {"status": Status.COMPLETED, "actual_date": D(2025, 1, 1), "progress": 50},
        {"status": Status.PLANNED, "actual_date": D(2025, 1, 1)},
    ],
)
def test_database_refuses_an_invalid_milestone(fields):
    milestone = MilestoneFactory()

    assert stored_update_refused(milestone, **fields)


@pytest.mark.parametrize(
    "text",
    ["2025-01-21", "2024-02", "2025-02", "Q1 2025", "Q4 2025", "H1 2026", "H2 2026", "2027", "TBD"],
)
def test_database_accepts_every_well_formed_target(text):
    target = Target.parse(text)
    milestone = MilestoneFactory()

    assert not stored_update_refused(
        milestone,
        target_precision=target.precision,
        target_start=target.start,
        target_end=target.end,
    )


def test_clean_explains_an_unaligned_target():
    milestone = MilestoneFactory()
    milestone.target_precision = "quarter"
    milestone.target_start, milestone.target_end = D(2025, 2, 1), D(2025, 4, 30)

    with pytest.raises(ValidationError) as error:
        milestone.full_clean()

    assert "quarter" in error.value.message_dict["target_end"][0]


def test_clean_explains_a_completed_milestone_without_a_date():
    milestone = MilestoneFactory()
    milestone.status = Status.COMPLETED
    milestone.progress = 80

    with pytest.raises(ValidationError) as error:
        milestone.full_clean()

    assert set(error.value.message_dict) >= {"actual_date", "progress"}


def test_a_dependency_on_itself_is_refused_by_the_database():
    milestone = MilestoneFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(milestone=milestone, prerequisite=milestone)


def test_the_same_dependency_twice_is_refused_by_the_database():
    first, second = MilestoneFactory(), MilestoneFactory()
    Dependency.objects.create(milestone=second, prerequisite=first)

    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(milestone=second, prerequisite=first)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": UpdateKind.CHANGED},
        {"kind": UpdateKind.NOTE, "note": ""},
        {"kind": "gossip", "note": "x"},
        {"kind": UpdateKind.CHANGED, "old_status": "planned", "new_status": "planned"},
    ],
)
def test_database_refuses_an_empty_or_inconsistent_history_entry(fields):
    milestone = MilestoneFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneUpdate.objects.create(milestone=milestone, **fields)


def test_jurisdiction_code_must_be_capitals():
    with pytest.raises(IntegrityError), transaction.atomic():
        JurisdictionFactory(code="us")


def test_due_and_overdue_querysets_use_the_deadline():
    today = D(2025, 8, 15)
    due = MilestoneFactory(target=Target.parse("by 2025-08"))
    overdue = MilestoneFactory(target=Target.parse("Q2 2025"))
    MilestoneFactory(target=Target.parse("not before Q2 2025"))
    MilestoneFactory(target=Target.undated())
    MilestoneFactory(target=Target.parse("2025-05-01"), status=Status.COMPLETED)

    assert list(Milestone.objects.due_between(today, D(2025, 9, 13))) == [due]
    assert list(Milestone.objects.overdue(today)) == [overdue]


def test_milestone_knows_its_roadmap_and_jurisdiction():
    milestone = MilestoneFactory()

    assert milestone.roadmap == milestone.workstream.roadmap
    assert milestone.jurisdiction == milestone.authority.jurisdiction
    assert str(milestone) == milestone.title


def test_summary_is_rendered_without_script():
    milestone = MilestoneFactory(
        summary="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        "<a href='https://sec.gov' onclick='x()'>SEC</a>"
    )

    html = milestone.summary_html()

    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert 'href="https://sec.gov"' in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (Status.IN_PROGRESS, Status.CONSULTATION_OPEN),  # a consultation opens
        (Status.CONSULTATION_OPEN, Status.IN_PROGRESS),  # it closes, the work goes on
        (Status.DELAYED, Status.CONSULTATION_OPEN),  # a delayed consultation opens at last
        (Status.DELAYED, Status.IN_PROGRESS),  # delayed work resumes
        (Status.IN_PROGRESS, Status.PLANNED),  # a draft goes back to planning
    ],
)
def test_an_open_milestone_may_go_back_as_regulators_reopen_and_resume(old, new):
    assert new in Status.allowed_after(old)


@pytest.mark.parametrize("final", Status.final_values())
def test_a_final_status_allows_nothing_else(final):
    assert Status.allowed_after(final) == []


def test_the_status_rule_is_one_rule_with_one_message():
    Status.check_transition(Status.COMPLETED, Status.COMPLETED)  # staying is always allowed
    Status.check_transition(Status.PLANNED, Status.DELAYED)
    with pytest.raises(ValidationError) as error:
        Status.check_transition(Status.CANCELLED, Status.PLANNED)
    [field_error] = error.value.error_dict["status"]
    assert field_error.code == "transition"
    assert error.value.message_dict == {
        "status": ["A milestone that is cancelled can't become planned."]
    }
