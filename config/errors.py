"""Error pages: HTML for the site, JSON for the API (a client reading JSON gets JSON)."""

from django.http import JsonResponse
from django.views.defaults import page_not_found


def not_found(request, exception):
    """A 404 for any address: under /api/ it is JSON, as every other API answer is."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
