"""Template tags for clocks, drift against the baseline and forecasts, from what the page's
selector already fetched (the clock's terms prefetched with their triggers, the forecast joined)."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from roadmap.api.forecasts import forecast_words
from roadmap.forecasts.baselines import drift_words as baseline_drift_words
from roadmap.forecasts.forecast import MIN_OUTCOMES
from roadmap.selectors import clock_view
from roadmap.targets import Target

register = template.Library()


@register.simple_tag
def clock_words(milestone) -> str:
    """The rule its target follows and what it gives, or "" for a plain date."""
    view = clock_view(milestone, list(milestone.clock_terms.all()))
    return view.words() if view else ""


@register.simple_tag
def drift_words(milestone) -> str:
    """ "+2 quarters against the first published target (Q3 2025)", or ""."""
    return baseline_drift_words(Target.from_dict(milestone.baseline), milestone.target)


@register.simple_tag
def forecast_sentence(milestone) -> str:
    """When it is likely to happen and the evidence, or why there is no forecast; "" if none."""
    forecast = getattr(milestone, "forecast", None)
    if forecast is None:
        return ""
    if forecast.p50 is None:
        return format_html(
            '<span class="forecast none">{}</span>',
            _(
                "No forecast: fewer than %(minimum)s comparable outcomes are known "
                "(%(known)s so far)."
            )
            % {"minimum": MIN_OUTCOMES, "known": forecast.outcomes},
        )
    return format_html(
        '<span class="forecast">{}</span><br><span class="evidence">{}</span>',
        _("Likely by %(p50)s (P50); 8 in 10 by %(p80)s (P80).")
        % {
            "p50": date_format(forecast.p50, "DATE_FORMAT"),
            "p80": date_format(forecast.p80, "DATE_FORMAT"),
        },
        _(
            "From %(sample)s comparable targets, %(known)s with known outcomes (%(basis)s), "
            "as of %(day)s."
        )
        % {
            "sample": forecast.sample_size,
            "known": forecast.outcomes,
            "basis": forecast_words(milestone, forecast),
            "day": date_format(forecast.computed_at, "DATE_FORMAT"),
        },
    )
