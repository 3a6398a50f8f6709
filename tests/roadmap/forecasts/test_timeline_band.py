"""The timeline draws each forecast's P50-P80 band under the milestone's target bar."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from roadmap import timeline
from roadmap.models import Forecast
from roadmap.selectors import milestones
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def forecast(milestone, p50, p80):
    Forecast.objects.update_or_create(
        milestone=milestone,
        defaults={"p50": p50, "p80": p80, "target_end": milestone.target_end, "outcomes": 25},
    )


def test_a_forecast_is_a_band_from_p50_to_p80_under_its_bar():
    late = MilestoneFactory(title="Final rule", target=Target.parse("Q3 2026"))
    MilestoneFactory(title="No forecast", target=Target.parse("Q3 2026"))
    forecast(late, datetime.date(2026, 12, 1), datetime.date(2027, 6, 30))

    chart = timeline.render(list(milestones()), TODAY)

    window = timeline.window_for(list(milestones()), TODAY)
    assert window.last == datetime.date(2027, 12, 31)  # the band fits on the axis
    assert chart.svg.count('class="tl-forecast"') == 1
    p50, p80 = (
        window.percent(datetime.date(2026, 12, 1)),
        window.percent(datetime.date(2027, 6, 30)),
    )
    assert f'<rect class="tl-forecast" x="{p50:.3f}%"' in chart.svg
    assert f'width="{p80 - p50:.3f}%"' in chart.svg
    assert "Final rule: Q3 2026 (planned) Forecast: P50 2026-12-01, P80 2027-06-30." in chart.svg


def test_a_forecast_without_figures_draws_no_band():
    milestone = MilestoneFactory(title="Final rule", target=Target.parse("Q3 2026"))
    Forecast.objects.update_or_create(
        milestone=milestone, defaults={"target_end": milestone.target_end, "outcomes": 3}
    )
    assert 'class="tl-forecast"' not in timeline.render(list(milestones()), TODAY).svg


def test_the_key_says_the_forecast_in_each_language(client):
    cache.clear()
    milestone = MilestoneFactory(title="Final rule", target=Target.parse("Q3 2026"))
    forecast(milestone, datetime.date(2026, 12, 1), datetime.date(2027, 6, 30))

    page = client.get(reverse("roadmap:dashboard")).content.decode()
    assert "forecast Dec. 1, 2026 (P50) to June 30, 2027 (P80)" in page
    assert "runs from its forecast's P50 day" in page
    cache.clear()
    chinese = client.get(reverse("roadmap:dashboard"), headers={"accept-language": "zh-CN"})
    assert "（P80）" in chinese.content.decode()
    cache.clear()
