"""Template tags for the roadmap pages: status badges and progress bars."""

from django import template
from django.utils.html import format_html

from roadmap.models import Status

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
