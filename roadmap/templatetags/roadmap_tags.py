"""Template tags for the roadmap pages: status badges, progress bars, the language links, and a
record's words in the reader's language."""

from django import template
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from config.language import LANGUAGE_PARAMETER
from roadmap import freshness
from roadmap.content_language import local, text_for
from roadmap.markdown import render_markdown
from roadmap.models import Status
from roadmap.targets import Target

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    """Render a status as a coloured badge with its words."""
    return format_html('<span class="badge status-{}">{}</span>', status, Status(status).label)


@register.simple_tag
def progress_bar(progress: int):
    """Render progress as a <progress> element with its percentage as text."""
    return format_html(
        '<progress class="progress" max="100" value="{0}" aria-label="{0}%">{0}%</progress> '
        '<span class="progress-text">{0}%</span>',
        progress,
    )


@register.simple_tag(takes_context=True)
def switch_language_url(context, code: str) -> str:
    """Return this page's address in the language ``code``, keeping its other parameters."""
    request = context["request"]
    try:
        query = request.GET.copy()
    except SuspiciousOperation:  # the 400 page of a query string too big to read
        query = QueryDict(mutable=True)
    query[LANGUAGE_PARAMETER] = code
    return f"{request.path}?{query.urlencode()}"


def _was_now(previous: Target, current: Target):
    return format_html(
        '<del><span class="visually-hidden">{}</span>{}</del> '
        '<span class="visually-hidden">{}</span>{}',
        pgettext("the target before a slip", "was "),
        previous.words(),
        pgettext("the target after a slip", "now "),
        current.words(),
    )


@register.simple_tag
def target_words(milestone):
    """Render a milestone's target in words, after the one it slipped from struck through.

    The milestone comes from ``selectors.with_previous_target``; without that annotation, or
    when its latest change of target was no slip, only its target is shown.
    """
    previous = Target.from_dict(getattr(milestone, "previous_target", None))
    if previous is None:
        return milestone.target.words()
    return _was_now(previous, milestone.target)


@register.simple_tag
def site_freshness():
    """Return when the data last changed and when the sources were last checked."""
    return freshness.site_freshness()


@register.simple_tag
def confirmation(milestone, today):
    """Return whether ``milestone`` has gone unconfirmed too long (``stale``) and ``since`` when."""
    stale, since = freshness.unconfirmed_since(milestone, today)
    return {"stale": stale, "since": since}


def _original_marker():
    return format_html('<small class="original">{}</small>', gettext("original"))


@register.filter
def local_text(obj, field: str) -> str:
    """Return ``obj``'s ``field`` in the reader's language, or its original: for titles and
    attributes, where no marker fits."""
    return local(obj, field)


@register.filter
def localized(obj, field: str):
    """Render ``obj``'s ``field`` in the reader's language; the original, in its ``lang`` and
    marked "original", when it has no version in that language."""
    text = text_for(obj, field)
    if not text.fallback:
        return text.text
    return format_html('<span lang="{}">{}</span> {}', text.language, text.text, _original_marker())


@register.filter
def localized_markdown(obj, field: str):
    """Render ``obj``'s Markdown ``field`` in the reader's language, or its original, marked."""
    text = text_for(obj, field)
    if not text.fallback:
        return render_markdown(text.text)
    return format_html(
        '<div lang="{}">{}</div><p>{}</p>',
        text.language,
        render_markdown(text.text),
        _original_marker(),
    )
