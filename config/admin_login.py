"""The admin's login page, throttled against password guessing.

Failed sign-ins are counted in the cache per client address and per user name; past the limit the
page answers 429 until the window has passed. A successful sign-in clears the user name's count.
"""

import hashlib

from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _keys(request) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    username = request.POST.get("username", "").strip().lower()
    keys = [f"admin-login:ip:{address}"]
    if username:
        digest = hashlib.sha256(username.encode()).hexdigest()
        keys.append(f"admin-login:user:{digest}")
    return keys


def throttled_login(request, extra_context=None):
    """Show or process the admin login, refusing with 429 after too many failures."""
    keys = _keys(request)
    if request.method == "POST" and any(cache.get(key, 0) >= MAX_FAILURES for key in keys):
        return HttpResponse(
            _("Too many failed sign-ins. Try again in 15 minutes."),
            status=429,
            headers={"Retry-After": str(WINDOW_SECONDS)},
            content_type="text/plain; charset=utf-8",
        )
    response = admin.site.login(request, extra_context)
    if request.method == "POST":
        if request.user.is_authenticated:
            cache.delete_many(keys[1:])
        else:
            for key in keys:
                cache.add(key, 0, WINDOW_SECONDS)
                cache.incr(key)
    return response
