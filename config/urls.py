"""The site's URLs: the admin, the public pages and feeds, the API, the subscription pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
]
