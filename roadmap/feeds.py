"""RSS and Atom feeds of milestone updates: all, or one roadmap, workstream or jurisdiction."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from roadmap import selectors
from roadmap.content_language import local
from roadmap.models import MilestoneUpdate
from roadmap.selectors import scope_filter, scope_object

ITEMS = 50


class UpdatesFeed(Feed):
    """What changed, newest first: new milestones, status changes, slips and notes."""

    def get_object(self, request, kind=None, key=None, roadmap=None):
        return scope_object(kind, key, roadmap)

    def title(self, scope):
        if scope is None:
            return _("Regulatory roadmap: all updates")
        return _("Regulatory roadmap: updates for %(scope)s") % {"scope": scope}

    def link(self, scope):
        return scope.get_absolute_url() if scope else "/"

    def description(self, scope):
        return _("Status changes, slips and new milestones, newest first.")

    def items(self, scope):
        lookups = {f"milestone__{name}": value for name, value in scope_filter(scope).items()}
        return selectors.updates().filter(**lookups)[:ITEMS]

    def item_title(self, update: MilestoneUpdate) -> str:
        if update.kind == "created":
            target = update.new_target_value
            return _("New: %(title)s (%(target)s)") % {
                "title": local(update.milestone, "title"),
                "target": target.words() if target is not None else "",
            }
        return f"{local(update.milestone, 'title')}: {update.describe() or update.note[:80]}"

    def item_description(self, update: MilestoneUpdate) -> str:
        """The note, or what changed; a slip first shows the old target struck through (HTML)."""
        text = update.note or update.describe()
        old, new = update.old_target_value, update.new_target_value
        if not update.is_slip or old is None or new is None:
            return text
        return format_html("<p><del>{}</del> {}</p><p>{}</p>", old.words(), new.words(), text)

    def item_link(self, update: MilestoneUpdate):
        return f"{update.milestone.get_absolute_url()}#update-{update.pk}"

    def item_guid(self, update: MilestoneUpdate):
        return f"{settings.SITE_URL}/updates/{update.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, update: MilestoneUpdate):
        return update.recorded_at

    def item_updateddate(self, update: MilestoneUpdate):
        return update.recorded_at

    def item_categories(self, update: MilestoneUpdate):
        return [
            local(update.milestone.workstream.roadmap, "title"),
            update.milestone.get_status_display(),
        ]


class AtomUpdatesFeed(UpdatesFeed):
    feed_type = Atom1Feed

    def subtitle(self, scope):
        return self.description(scope)
