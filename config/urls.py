"""The site's URLs: the admin, the public pages and feeds, the API, the subscription pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.admin_login import throttled_login
from config.health import health
from tracker.api import subscribe_api

urlpatterns = [
    path("health/", health, name="health"),
    path(f"{settings.ADMIN_URL}login/", throttled_login, name="admin-login"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("roadmap.api.urls")),
    path("api/v1/subscriptions/", subscribe_api, name="api-subscribe"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("subscribe/", include("tracker.urls")),
    path("", include("roadmap.urls")),
]

handler404 = "config.errors.not_found"
