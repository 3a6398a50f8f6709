"""NUL characters refused at the door: PostgreSQL cannot store or even compare them.

A NUL in the path names nothing, so it is a 404; in a query parameter or a posted form field it is
a 400 naming the parameter. JSON bodies are checked field by field by the API's serializers, with
``contains_nul``.
"""

from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def contains_nul(value) -> bool:
    """Return whether ``value``, or any string inside a parsed JSON value, holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def _parameter_with_nul(query) -> str | None:
    for name, values in query.lists():
        if contains_nul(name) or contains_nul(values):
            return name.replace("\x00", "")
    return None


def refuse_nul_bytes(get_response):
    def middleware(request):
        if "\x00" in request.path:
            raise Http404
        name = _parameter_with_nul(request.GET)
        if name is None and request.content_type in FORM_TYPES:
            name = _parameter_with_nul(request.POST)
        if name is None:
            return get_response(request)
        message = _("Null characters are not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({name: [message]}, status=400)
        return HttpResponseBadRequest(
            f"{name}: {message}", content_type="text/plain; charset=utf-8"
        )

    return middleware
