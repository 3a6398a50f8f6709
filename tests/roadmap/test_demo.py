import datetime

import pytest
from django.core.management import call_command

from roadmap.models import Milestone, MilestoneUpdate, Roadmap, Source, Status
from roadmap.targets import Precision, Qualifier

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Milestone.objects.order_by("slug").values()),
        MilestoneUpdate.objects.count(),
        Source.objects.count(),
    )


def test_loading_twice_changes_nothing():
    call_command("load_demo_roadmap")
    first = snapshot()

    call_command("load_demo_roadmap")

    assert snapshot() == first


def test_loading_leaves_an_editors_changes_alone():
    call_command("load_demo_roadmap")
    Milestone.objects.filter(slug="sec-nft-securitisation").update(title="Edited by an editor")

    call_command("load_demo_roadmap")

    assert Milestone.objects.get(slug="sec-nft-securitisation").title == "Edited by an editor"


def test_demo_holds_the_task_force_milestones_with_their_true_fuzzy_dates():
    call_command("load_demo_roadmap")
    roadmap = Roadmap.objects.get(slug="sec-crypto-task-force")
    by_slug = {m.slug: m for m in Milestone.objects.filter(workstream__roadmap=roadmap)}

    announced = by_slug["sec-crypto-task-force-announced"]
    assert (announced.status, announced.actual_date) == (
        Status.COMPLETED,
        datetime.date(2025, 1, 21),
    )
    consultation = by_slug["sec-first-phase-public-comment"].target
    assert (consultation.precision, consultation.qualifier, consultation.wording) == (
        Precision.QUARTER,
        Qualifier.BY,
        "before Q3 2025",
    )
    education = by_slug["sec-investor-education-programme"].target
    assert (education.precision, education.end) == (Precision.MONTH, datetime.date(2026, 7, 31))
    for undated in ("sec-stablecoin-reserve-audits", "sec-nft-securitisation"):
        assert by_slug[undated].target.precision == Precision.UNDATED
        assert by_slug[undated].status == Status.PLANNED
    assert roadmap.workstreams.filter(slug="cross-border-cooperation").exists()


def test_demo_compares_four_jurisdictions_and_names_a_source_for_every_milestone():
    call_command("load_demo_roadmap")

    codes = set(Milestone.objects.values_list("authority__jurisdiction__code", flat=True))
    assert codes == {"US", "EU", "SG", "JP"}
    assert not Milestone.objects.filter(sources__isnull=True).exists()
    mica = Milestone.objects.get(slug="mica-stablecoin-titles-apply")
    assert mica.actual_date == datetime.date(2024, 6, 30)
    assert mica.sources.get().url.startswith("https://eur-lex.europa.eu/")
