from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from tracker import tasks  # noqa: F401  (registers the tasks that tracker.queue names)
