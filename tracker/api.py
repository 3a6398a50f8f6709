"""Subscribing through the JSON API: the same form rules, rate limits and answer as the page."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.decorators import (
    api_view,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from config.language import language_codes
from roadmap.api.serializers import StrictSerializerMixin
from roadmap.api.views import LimitedJSONParser
from tracker import subscribe_requests
from tracker.forms import SubscribeForm
from tracker.models import DigestFrequency
from tracker.views import subscribe_allowed

ANSWER = (
    "Check your inbox: we have sent a link to confirm the subscription, or to change an "
    "existing one."
)


class SubscriptionSerializer(StrictSerializerMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address to send to.")
    everything = serializers.BooleanField(
        default=False, help_text="Follow every milestone of every roadmap."
    )
    roadmaps = serializers.ListField(
        child=serializers.SlugField(), default=list, help_text="Slugs of roadmaps to follow."
    )
    workstreams = serializers.ListField(
        child=serializers.IntegerField(), default=list, help_text="Ids of workstreams to follow."
    )
    jurisdictions = serializers.ListField(
        child=serializers.CharField(max_length=8),
        default=list,
        help_text="Codes of jurisdictions to follow, e.g. US, EU.",
    )
    milestones = serializers.ListField(
        child=serializers.SlugField(), default=list, help_text="Slugs of milestones to follow."
    )
    digest_frequency = serializers.ChoiceField(
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
        help_text="How often a digest of changes comes.",
    )
    digest_weekday = serializers.IntegerField(
        default=0, help_text="Day of a weekly digest: 0 is Monday, 6 Sunday."
    )
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(),
        default=list,
        help_text="Days before a target to send reminders, e.g. [30, 7, 1].",
    )
    timezone = serializers.CharField(
        default="UTC", max_length=64, help_text="IANA time zone, e.g. Asia/Singapore."
    )
    send_hour = serializers.IntegerField(default=8, help_text="Local hour to send at, 0–23.")
    language = serializers.ChoiceField(
        choices=language_codes(),
        default=settings.LANGUAGE_CODE,
        help_text="Language of the emails.",
    )

    def validate(self, data):
        """Apply the subscribe form's rules, so the page and the API accept the same things."""
        query = QueryDict(mutable=True)
        for name, value in data.items():
            if name == "reminder_days":
                query[name] = ", ".join(str(day) for day in value)
            elif isinstance(value, list):
                query.setlist(name, [str(item) for item in value])
            elif isinstance(value, bool):
                if value:
                    query[name] = "on"
            else:
                query[name] = str(value)
        form = SubscribeForm(query)
        if not form.is_valid():
            errors = {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in form.errors.items()
            }
            raise serializers.ValidationError(errors)
        self.form = form
        return data


@extend_schema(
    request=SubscriptionSerializer,
    responses={
        202: inline_serializer(
            "SubscriptionAccepted",
            {"detail": serializers.CharField(help_text="What happens next.")},
        ),
        400: OpenApiResponse(description="Field-level messages."),
        429: OpenApiResponse(description="Too many attempts from this client or for this address."),
    },
    summary="Subscribe an address (double opt-in)",
    description="Sends a confirmation link, or a link to the preferences of an address that is "
    "already subscribed: the answer is the same either way.",
)
@api_view(["POST"])
@parser_classes([LimitedJSONParser])
@permission_classes([permissions.AllowAny])
@throttle_classes([])
def subscribe_api(request):
    serializer = SubscriptionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    form = serializer.form
    if not subscribe_allowed(request, form.cleaned_data["email"]):
        raise Throttled(detail="Too many attempts. Please wait an hour and try again.")
    subscribe_requests.record(
        email=form.cleaned_data["email"], preferences=form.preferences(), follows=form.follows()
    )
    return Response({"detail": ANSWER}, status=status.HTTP_202_ACCEPTED)
