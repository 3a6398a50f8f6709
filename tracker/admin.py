"""Subscribers, their deliveries (a read-only log with a resend action) and email previews."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracker import previews, services
from tracker.models import Delivery, DeliveryKind, DispatchSlot, Follow, Subscriber


class FollowInline(admin.TabularInline):
    model = Follow
    extra = 0
    autocomplete_fields = ["roadmap", "workstream", "jurisdiction", "milestone"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "state",
        "digest_frequency",
        "reminder_days",
        "timezone",
        "send_hour",
        "language",
        "follows_everything",
        "last_digest_at",
    ]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("suspended_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
        "digest_frequency",
        "language",
    ]
    search_fields = ["email"]
    readonly_fields = [
        "created_at",
        "confirmed_at",
        "suspended_at",
        "suspension_reason",
        "unsubscribed_at",
        "digest_cursor",
        "last_digest_at",
        "previews",
    ]
    inlines = [FollowInline]
    actions = ["send_confirmation"]

    @admin.display(description=_("state"))
    def state(self, subscriber):
        return subscriber.state

    @admin.display(description=_("email previews"))
    def previews(self, subscriber):
        if not subscriber.pk:
            return "—"
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:tracker_subscriber_preview", args=[subscriber.pk, kind]),
                label,
            )
            for kind, label in DeliveryKind.choices
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    @admin.action(description=_("Send a new confirmation link (lifts a suspension once used)"))
    def send_confirmation(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_request_confirmation(subscriber=subscriber)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Queued a confirmation link for %(count)d subscriber.",
                "Queued confirmation links for %(count)d subscribers.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/<slug:kind>/",
                view(self.preview_view),
                name="tracker_subscriber_preview",
            ),
            path(
                "<int:pk>/preview/<slug:kind>/html/",
                view(self.preview_html),
                name="tracker_subscriber_preview_html",
            ),
            *super().get_urls(),
        ]

    def _preview(self, request, pk, kind):
        if kind not in DeliveryKind.values:
            raise Http404
        subscriber = get_object_or_404(Subscriber, pk=pk)
        if not self.has_view_permission(request, subscriber):
            raise Http404
        return subscriber, previews.preview(subscriber, kind)

    def preview_view(self, request, pk, kind):
        subscriber, sample = self._preview(request, pk, kind)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": subscriber,
            "title": _("Preview: %(kind)s for %(email)s")
            % {"kind": DeliveryKind(kind).label, "email": subscriber.email},
            "sample": sample,
            "kind": kind,
            "kinds": DeliveryKind.choices,
        }
        return TemplateResponse(request, "admin/tracker/subscriber/preview.html", context)

    def preview_html(self, request, pk, kind):
        """The HTML part alone, for the preview's sandboxed frame (emails style inline)."""
        _subscriber, sample = self._preview(request, pk, kind)
        if not sample["message"]:
            raise Http404
        response = HttpResponse(sample["html"])
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "kind", "key", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["subscriber__email", "key"]
    list_select_related = ["subscriber"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("tracker.change_delivery")

    @admin.action(description=_("Resend the selected failed deliveries"), permissions=["resend"])
    def resend(self, request, queryset):
        count = services.deliveries_resend(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "Queued %(count)d failed delivery again.",
                "Queued %(count)d failed deliveries again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(DispatchSlot)
class DispatchSlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "kind", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
