from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "roadmap.sources"
    label = "sources"
    verbose_name = _("Watched sources")
    default_auto_field = "django.db.models.BigAutoField"
