"""The timeline: numbered bars with their key, diamonds for single days, undated ones off the
axis, and lane names wrapped rather than cut."""

import datetime
import re

import pytest

from roadmap import timeline
from roadmap.selectors import milestones
from roadmap.targets import Target
from tests.factories import MilestoneFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 8, 15)


def drawn(*made):
    return timeline.render(list(milestones().filter(pk__in=[m.pk for m in made])), TODAY)


def test_undated_milestones_are_listed_and_not_drawn_on_the_axis():
    dated = MilestoneFactory(title="Dated rule", target=Target.parse("Q3 2025"))
    undated = MilestoneFactory(title="Someday rule", target=Target.parse("TBD"))

    chart = drawn(dated, undated)

    assert chart.undated == [undated]
    assert [milestone for _, milestone in chart.key] == [dated]
    assert "Someday rule" not in chart.svg
    assert "<circle" not in chart.svg


def test_every_bar_carries_the_number_its_key_gives_it():
    workstream = WorkstreamFactory()
    later = MilestoneFactory(workstream=workstream, title="Later", target=Target.parse("Q4 2025"))
    sooner = MilestoneFactory(workstream=workstream, title="Sooner", target=Target.parse("Q1 2025"))

    chart = drawn(later, sooner)

    assert chart.key == [(1, sooner), (2, later)]
    assert '<text class="tl-number"' in chart.svg
    assert ">1</text>" in chart.svg and ">2</text>" in chart.svg
    assert "1. Sooner: Q1 2025" in chart.svg


def test_a_single_day_is_a_diamond_and_a_quarter_a_bar():
    day = MilestoneFactory(title="Hearing", target=Target.parse("2025-09-03"))
    quarter = MilestoneFactory(title="Rules", target=Target.parse("Q4 2025"))

    svg = drawn(day, quarter).svg

    day_item = svg.split("Hearing")[1].split("</a>")[0]
    quarter_item = svg.split("Rules")[1].split("</a>")[0]
    assert 'class="tl-day"' in day_item and "tl-bar" not in day_item
    assert 'class="tl-bar"' in quarter_item and "tl-day" not in quarter_item


def test_long_lane_and_roadmap_names_are_wrapped_never_cut():
    name = "US Unified Agenda of Regulatory and Deregulatory Actions, Securities and Exchange"
    workstream = WorkstreamFactory(title=name, roadmap__title=name + " (roadmap)")

    svg = drawn(MilestoneFactory(workstream=workstream)).svg

    assert "…" not in svg
    assert name + " (roadmap)" in svg
    lane = svg.split('class="tl-lane"')[1].split("</text>")[0]
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", lane)
    assert len(lines) > 1 and " ".join(lines) == name


@pytest.mark.parametrize(
    "text",
    [
        "US Unified Agenda of Regulatory and Deregulatory Actions",
        "美国监管与放松监管行动统一议程之加密资产相关规则与执法",
        "Supercalifragilisticexpialidocious-and-then-some-more-characters",
    ],
)
def test_wrapped_lines_fit_the_label_column_and_keep_every_character(text):
    lines = timeline.wrap(text)

    width = sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in max(lines, key=len))
    assert width <= timeline.LABEL_COLUMNS
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
