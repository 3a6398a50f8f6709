"""Subscribing, confirming, preferences and unsubscribing: the pages behind the emails' links.

A link in an email never changes anything on GET (mail scanners follow links): it shows a page
with a button, and the button POSTs. The one exception is RFC 8058's one-click unsubscribe, a
POST from the mail client with the signed token in the URL and no session or CSRF token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from config.clients import client_address
from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
from tracker import ratelimit, services, subscribe_requests, tokens
from tracker.forms import PreferencesForm, SubscribeForm, WorkstreamSearchForm
from tracker.models import Subscriber


def _initial_follows(query: QueryDict) -> dict[str, object]:
    """What the page that linked here asked to follow: ?roadmap=…&workstream=…&milestone=…"""
    initial: dict[str, object] = {
        "roadmaps": Roadmap.objects.filter(slug__in=query.getlist("roadmap")[:20]),
        "workstreams": Workstream.objects.filter(
            pk__in=[pk for pk in query.getlist("workstream")[:20] if pk.isdigit()]
        ),
        "jurisdictions": Jurisdiction.objects.filter(
            code__in=[code.upper() for code in query.getlist("jurisdiction")[:20]]
        ),
        "milestones": list(Milestone.objects.filter(slug__in=query.getlist("milestone")[:20])),
    }
    if (
        not any(initial[name] for name in ("roadmaps", "workstreams", "jurisdictions"))
        and not (initial["milestones"])
    ):
        initial["everything"] = True
    return initial


def subscribe_allowed(request, email: str) -> bool:
    """Count this attempt against the client's and the address's limits."""
    return ratelimit.allow(
        "subscribe-client", client_address(request), settings.SUBSCRIBE_RATE_PER_CLIENT
    ) & ratelimit.allow(
        "subscribe-address", ratelimit.mailbox(email), settings.SUBSCRIBE_RATE_PER_ADDRESS
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    status = 200
    search = WorkstreamSearchForm(request.GET)
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if subscribe_allowed(request, form.cleaned_data["email"]):
                subscribe_requests.record(
                    email=form.cleaned_data["email"],
                    preferences=form.preferences(),
                    follows=form.follows(),
                )
                return redirect("tracker:subscribe-sent")
            form.add_error(None, _("Too many attempts. Please wait an hour and try again."))
            status = 429
        else:
            status = 400
    else:
        form = SubscribeForm(
            initial={**_initial_follows(request.GET), "language": translation.get_language()},
            find=search.text(),
        )
    return render(
        request, "tracker/subscribe.html", {"form": form, "search": search}, status=status
    )


def subscribe_sent(request):
    return render(request, "tracker/subscribe_sent.html")


def _bad_link(request, error: tokens.BadToken):
    return render(request, "tracker/bad_link.html", {"expired": error.expired}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        subscriber = tokens.read_token(token, tokens.CONFIRM)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method == "POST":
        subscriber = services.subscriber_confirm(subscriber=subscriber)
        messages.success(request, _("Your subscription is confirmed."))
        return redirect("tracker:manage", token=tokens.make_token(subscriber, tokens.MANAGE))
    return render(request, "tracker/confirm.html", {"subscriber": subscriber})


def _preferences_initial(subscriber: Subscriber) -> dict:
    follows = services.Follows.of(subscriber)
    return {
        "everything": follows.everything,
        "roadmaps": follows.roadmaps,
        "workstreams": follows.workstreams,
        "jurisdictions": follows.jurisdictions,
        "milestones": follows.milestones,
        **{name: getattr(subscriber, name) for name in services.PREFERENCE_FIELDS},
    }


@require_http_methods(["GET", "POST"])
def manage(request, token):
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    status = 200
    search = WorkstreamSearchForm(request.GET)
    if request.method == "POST" and request.POST.get("action") == "resubscribe":
        return _resubscribe(request, subscriber)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.subscriber_update_preferences(
                subscriber=subscriber, preferences=form.preferences(), follows=form.follows()
            )
            messages.success(request, _("Your preferences are saved."))
            return redirect(request.path)
        status = 400
    else:
        form = PreferencesForm(initial=_preferences_initial(subscriber), find=search.text())
    return render(
        request,
        "tracker/manage.html",
        {"form": form, "search": search, "subscriber": subscriber, "token": token},
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks; POST (the page's button, or a mail client's RFC 8058 one-click) unsubscribes."""
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method == "POST":
        changed = services.subscriber_unsubscribe(subscriber=subscriber)
        subscriber.refresh_from_db()
        return render(
            request,
            "tracker/unsubscribed.html",
            {
                "changed": changed,
                "subscriber": subscriber,
                "resubscribe_token": tokens.make_token(subscriber, tokens.RESUBSCRIBE),
            },
        )
    return render(request, "tracker/unsubscribe.html", {"subscriber": subscriber, "token": token})


@require_http_methods(["POST"])
def resubscribe(request, token):
    """The unsubscribed page's button: mail a new confirmation link, restart nothing yet."""
    try:
        subscriber = tokens.read_token(token, tokens.RESUBSCRIBE)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    return _resubscribe(request, subscriber)


def _resubscribe(request, subscriber: Subscriber):
    """Mail a new confirmation link, within the limits subscribing has."""
    if not subscribe_allowed(request, subscriber.email):
        return render(request, "tracker/too_many.html", status=429)
    services.subscriber_request_confirmation(subscriber=subscriber)
    return redirect("tracker:subscribe-sent")
