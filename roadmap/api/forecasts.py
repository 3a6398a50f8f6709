"""Clocks, baselines and forecasts as they cross the API: structured objects out and in."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from roadmap.forecasts import clocks
from roadmap.forecasts.baselines import drift, drift_words
from roadmap.forecasts.forecast import LEVELS, MIN_OUTCOMES, STEPS, basis_words
from roadmap.models import Milestone
from roadmap.selectors import ClockView
from roadmap.targets import Target


class ClockTermSerializer(serializers.Serializer):
    """A number of days, months or years after a milestone, or a fixed day: one of them."""

    after = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Milestone.objects.all(),
        allow_null=True,
        required=False,
        help_text="The slug of the milestone the term counts from (its actual date, else its "
        "target's last day); null for a fixed date.",
    )
    offset = serializers.IntegerField(
        min_value=0, max_value=clocks.MAX_OFFSET, default=0, help_text="How many units after."
    )
    unit = serializers.ChoiceField(
        choices=clocks.Unit.choices, default=clocks.Unit.DAYS, help_text="days, months or years."
    )
    on = serializers.DateField(
        allow_null=True, required=False, help_text="A fixed date instead of an offset."
    )

    def validate(self, data):
        if (data.get("after") is None) == (data.get("on") is None):
            raise serializers.ValidationError("Give either “after” or “on”.")
        if data.get("on") is not None and data.get("offset"):
            raise serializers.ValidationError({"offset": ["A fixed date has no offset."]})
        return data

    def to_term(self, data) -> clocks.Term:
        after = data.get("after")
        return clocks.Term(
            after=after.pk if after else None,
            offset=data.get("offset", 0),
            unit=clocks.Unit(data.get("unit", clocks.Unit.DAYS)),
            on=data.get("on"),
        )


class ClockSerializer(serializers.Serializer):
    """A target defined by a rule about time: the earlier (or later) of its terms."""

    combine = serializers.ChoiceField(
        choices=clocks.Combine.choices,
        default=clocks.Combine.EARLIER,
        help_text="Whether the target is the earlier or the later of the terms.",
    )
    terms = ClockTermSerializer(
        many=True, help_text="At least one term; an empty list removes the clock."
    )
    words = serializers.CharField(
        read_only=True, help_text="The rule and the target it gives, in the requested language."
    )

    def validate_terms(self, terms):
        if len(terms) > 10:
            raise serializers.ValidationError("A clock has at most 10 terms.")
        return terms


def clock_data(view: ClockView | None) -> dict | None:
    if view is None:
        return None
    return {
        "combine": view.clock.combine.value,
        "terms": [
            {
                "after": view.slugs.get(term.after) if term.after else None,
                "offset": term.offset,
                "unit": clocks.Unit(term.unit).value,
                "on": term.on.isoformat() if term.on else None,
            }
            for term in view.clock.terms
        ],
        "words": view.words(),
    }


class DriftSerializer(serializers.Serializer):
    periods = serializers.IntegerField(
        help_text="Periods of the target's precision from the baseline (later: positive)."
    )
    words = serializers.CharField(help_text="The drift in words, in the requested language.")


def drift_data(milestone: Milestone) -> dict | None:
    baseline, target = Target.from_dict(milestone.baseline), milestone.target
    periods = drift(baseline, target)
    if periods is None:
        return None
    return {"periods": periods, "words": drift_words(baseline, target)}


class BasisSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=[*LEVELS, ""],
        allow_blank=True,
        help_text="The group the figures come from: the same authority, the same jurisdiction "
        "(each with the same kind of step and precision) or everything; empty without a forecast.",
    )
    step = serializers.ChoiceField(choices=list(STEPS), help_text="The kind of step compared.")
    slipped = serializers.BooleanField(
        allow_null=True, help_text="Only targets that had (or had not) slipped; null: both."
    )
    aged = serializers.BooleanField(
        allow_null=True, help_text="Only targets set after a year or more of tracking (or not)."
    )
    words = serializers.CharField(help_text="The group in words, in the requested language.")


class ForecastSerializer(serializers.Serializer):
    """When the milestone is likely to happen, from how comparable targets turned out."""

    p50 = serializers.DateField(
        allow_null=True, help_text="Half of comparable outcomes came by this day; null: too few."
    )
    p80 = serializers.DateField(
        allow_null=True,
        help_text=f"Eight in ten came by this day; null with fewer than "
        f"{MIN_OUTCOMES} comparable known outcomes.",
    )
    sample_size = serializers.IntegerField(help_text="Comparable targets, still open included.")
    outcomes = serializers.IntegerField(help_text="How many of them have a known outcome.")
    basis = BasisSerializer(help_text="The group compared.")
    computed_at = serializers.DateTimeField(help_text="When it was computed.")


def forecast_words(milestone: Milestone, forecast) -> str:
    if not forecast.level:
        return _("every tracked milestone")
    return basis_words(
        level=forecast.level,
        step=forecast.step,
        precision_label=str(milestone.target.precision.label),
        authority=milestone.authority.acronym,
        jurisdiction=milestone.authority.jurisdiction.code,
        slipped=forecast.slipped,
        aged=forecast.aged,
    )


def forecast_data(milestone: Milestone) -> dict | None:
    forecast = getattr(milestone, "forecast", None)
    if forecast is None:
        return None
    return {
        "p50": forecast.p50.isoformat() if forecast.p50 else None,
        "p80": forecast.p80.isoformat() if forecast.p80 else None,
        "sample_size": forecast.sample_size,
        "outcomes": forecast.outcomes,
        "basis": {
            "level": forecast.level,
            "step": forecast.step,
            "slipped": forecast.slipped,
            "aged": forecast.aged,
            "words": forecast_words(milestone, forecast),
        },
        "computed_at": serializers.DateTimeField().to_representation(forecast.computed_at),
    }


class ScorecardYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The year the first published deadlines fell in.")
    due = serializers.IntegerField(
        help_text="Milestones counted: done, or open past their first published deadline."
    )
    on_time = serializers.IntegerField(help_text="How many were done by that deadline.")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="on_time / due, 0 to 1; null when none is due."
    )
    median_slip_days = serializers.IntegerField(
        allow_null=True,
        help_text="Median days from the first published deadline to completion (negative: "
        "early), those still open counted as at least as late as today; null while more than "
        "half are still open past it.",
    )
    median_slip_words = serializers.CharField(help_text="The median slip in words.")


class ScorecardSerializer(ScorecardYearSerializer):
    """How often the milestones were done by the end of the first period published for them."""

    year = None  # type: ignore[assignment]  # DRF drops an inherited field set to None
    as_of = serializers.DateField(help_text="The day the figures are computed for.")
    milestones = serializers.IntegerField(help_text="Every milestone tracked, counted or not.")
    trend = serializers.ChoiceField(
        choices=["better", "worse", "steady", ""],
        allow_blank=True,
        help_text="The on-time rate of the last year with enough milestones against the one "
        "before: better, worse or steady; empty when fewer than two years have enough.",
    )
    trend_words = serializers.CharField(help_text="The trend in words.")
    years = ScorecardYearSerializer(many=True, help_text="The same figures by year, oldest first.")


def _figures_data(figures) -> dict:
    return {
        "due": figures.due,
        "on_time": figures.on_time,
        "on_time_rate": figures.on_time_rate,
        "median_slip_days": figures.median_slip,
        "median_slip_words": figures.slip_in_words,
    }


def scorecard_data(scorecard, as_of) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "milestones": scorecard.milestones,
        **_figures_data(scorecard),
        "trend": scorecard.trend,
        "trend_words": scorecard.trend_in_words,
        "years": [{"year": year.year, **_figures_data(year)} for year in scorecard.years],
    }
