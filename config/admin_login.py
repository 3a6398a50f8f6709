"""The admin's login page, throttled against password guessing without letting anyone lock an
editor out.

Failed sign-ins are rows in the database (so the limits hold while Redis is down), counted over
the last 15 minutes three ways, each from the client address that ``config.clients`` reads:

- a user name from one address: 5 failures refuse that pair only, so an attacker elsewhere
  cannot lock the real editor out;
- one address, whatever the user names: 20 failures refuse that address;
- a user name from every address together: 100 failures, a backstop against guessing one
  account's password from many addresses.

A successful sign-in clears its pair's failures.
"""

import datetime
import hashlib

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.clients import client_address
from tracker.models import SignInFailure

WINDOW = datetime.timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
USERNAME_LIMIT = 100


def _identity(request) -> tuple[str, str]:
    username = request.POST.get("username", "").strip().lower()
    return hashlib.sha256(username.encode()).hexdigest(), client_address(request)[:64]


def _over_a_limit(username_digest: str, address: str) -> bool:
    counts = SignInFailure.objects.filter(
        Q(address=address) | Q(username_digest=username_digest), at__gte=timezone.now() - WINDOW
    ).aggregate(
        pair=Count("pk", filter=Q(address=address, username_digest=username_digest)),
        address=Count("pk", filter=Q(address=address)),
        username=Count("pk", filter=Q(username_digest=username_digest)),
    )
    return (
        counts["pair"] >= PAIR_LIMIT
        or counts["address"] >= ADDRESS_LIMIT
        or counts["username"] >= USERNAME_LIMIT
    )


def _record_failure(username_digest: str, address: str) -> None:
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - WINDOW).delete()
    SignInFailure.objects.create(username_digest=username_digest, address=address, at=now)


def throttled_login(request, extra_context=None):
    """Show or process the admin login, refusing with 429 after too many failures."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    username_digest, address = _identity(request)
    if _over_a_limit(username_digest, address):
        return HttpResponse(
            _("Too many failed sign-ins. Try again in 15 minutes."),
            status=429,
            headers={"Retry-After": str(int(WINDOW.total_seconds()))},
            content_type="text/plain; charset=utf-8",
        )
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated:
        SignInFailure.objects.filter(username_digest=username_digest, address=address).delete()
    else:
        _record_failure(username_digest, address)
    return response
