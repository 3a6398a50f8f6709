from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Roadmap")

    def ready(self):
        from roadmap.cache import bump_content_version
        from roadmap.forecasts import tasks  # noqa: F401  (registers the nightly task)
        from roadmap.models import Forecast, ForecastGroup, Milestone

        # Forecasts are rewritten in bulk after the changes that bump the version themselves: a
        # signal per row would make Django delete them one by one, each with a bump.
        for model in set(self.get_models()) - {Forecast, ForecastGroup}:
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"unbump-{model}")
        m2m_changed.connect(
            bump_content_version, sender=Milestone.topics.through, dispatch_uid="bump-topics"
        )
