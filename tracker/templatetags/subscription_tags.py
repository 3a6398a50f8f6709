"""Template tags for the subscription pages and emails: a subscriber's choices in words."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

register = template.Library()


@register.simple_tag
def reminder_words(days: list[int]) -> str:
    """“30, 7 and 1 days before a target”, or that there are no reminders."""
    if not days:
        return _("no reminders")
    # Not django.utils.text.get_text_list: it spaces the last word ("30、7 和 1"), Chinese does not.
    numbers = [str(day) for day in days]
    listed = numbers[0]
    if len(numbers) > 1:
        listed = _("%(first)s and %(last)s") % {
            "first": pgettext("between items of a list", ", ").join(numbers[:-1]),
            "last": numbers[-1],
        }
    return ngettext("%(days)s day before a target", "%(days)s days before a target", max(days)) % {
        "days": listed
    }
