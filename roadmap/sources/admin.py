"""Watches, their runs and the review queue in the admin; every write goes through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from roadmap.sources import services, tasks
from roadmap.sources.forms import AcceptSuggestionForm
from roadmap.sources.models import Suggestion, SuggestionState, Watch, WatchRun


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "every_minutes", "next_run_at", "last_run"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "url"]
    readonly_fields = ["cursor", "etag", "last_modified", "created_at"]
    actions = ["run_now"]

    @admin.display(description=_("last run"))
    def last_run(self, watch):
        run = watch.runs.first()
        return run.get_state_display() if run else "—"

    @admin.action(description=_("Run the selected watches now"), permissions=["change"])
    def run_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        transaction.on_commit(lambda: [tasks.run_watch.delay(pk) for pk in ids])
        self.message_user(
            request,
            ngettext("%d watch queued to run.", "%d watches queued to run.", len(ids)) % len(ids),
            messages.SUCCESS,
        )


@admin.register(WatchRun)
class WatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "watch",
        "state",
        "http_status",
        "fetched",
        "created",
        "changed",
        "unchanged",
        "suggested",
        "skipped",
        "error_count",
    ]
    list_filter = ["state", "watch"]
    list_select_related = ["watch"]

    @admin.display(description=_("errors"))
    def error_count(self, run):
        return len(run.errors)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "watch", "state", "published_at", "reason", "review"]
    list_filter = ["state", "watch"]
    list_select_related = ["watch"]
    search_fields = ["title", "summary"]
    actions = ["dismiss"]
    readonly_fields = [
        "watch",
        "key",
        "title",
        "url",
        "published_at",
        "summary",
        "reason",
        "milestones",
        "workstreams",
        "topics",
        "state",
        "decided_at",
        "decided_by",
        "update",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("review"))
    def review(self, suggestion):
        if suggestion.state != SuggestionState.NEW:
            return "—"
        url = reverse("admin:sources_suggestion_accept", args=[suggestion.pk])
        return format_html('<a href="{}">{}</a>', url, _("Accept…"))

    @admin.action(description=_("Dismiss the selected suggestions"), permissions=["change"])
    def dismiss(self, request, queryset):
        done = sum(services.suggestion_dismiss(suggestion=s, by=request.user) for s in queryset)
        self.message_user(
            request,
            ngettext("%d suggestion dismissed.", "%d suggestions dismissed.", done) % done,
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.accept_view)
        return [
            path("<int:pk>/accept/", view, name="sources_suggestion_accept"),
            *super().get_urls(),
        ]

    def accept_view(self, request, pk):
        """The change the item reports, prefilled; saving records it citing the item."""
        if not (
            self.has_change_permission(request)
            and request.user.has_perm("roadmap.change_milestone")
        ):
            raise PermissionDenied
        suggestion = get_object_or_404(Suggestion, pk=pk, state=SuggestionState.NEW)
        form = AcceptSuggestionForm(request.POST or None, suggestion=suggestion)
        if request.method == "POST" and form.is_valid():
            try:
                services.suggestion_accept(
                    suggestion=suggestion,
                    milestone=form.cleaned_data["milestone"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                    **form.changes(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The change is recorded."), messages.SUCCESS)
                return redirect("admin:sources_suggestion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Accept a suggestion"),
            "suggestion": suggestion,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request,
            "admin/sources/suggestion/accept.html",
            context,
            status=400 if form.errors else 200,
        )
