"""The editors' workplace: every roadmap object; milestone changes go through the services."""

import datetime
import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError

from roadmap import services, tasks
from roadmap.admin_forms import ChangeStatusForm, ImportForm, MilestoneAdminForm, ShiftTargetForm
from roadmap.forecasts.clocks import Term, Unit, creates_cycle
from roadmap.importers import jobs
from roadmap.models import (
    AgendaRule,
    Authority,
    ClockTerm,
    Dependency,
    ImportJob,
    Jurisdiction,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Source,
    Topic,
    Workstream,
)
from roadmap.selectors import clock_edges

logger = logging.getLogger(__name__)


def _queue_import(job_id: int) -> None:
    """Hand an import to a worker; with the broker down the job is refused, saying why."""
    try:
        tasks.run_import_job.delay(job_id)
    except (OperationalError, OSError):
        logger.warning("Broker unreachable: import job %s not queued", job_id, exc_info=True)
        jobs.import_job_abandon(
            job_id=job_id, reason="The task queue could not be reached; upload the file again."
        )


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh_hans"]
    search_fields = ["code", "name", "name_zh_hans"]
    fields = ["code", ("name", "name_zh_hans")]


# A URL typed without a scheme is an https one.
URL_FIELDS: dict[type[models.Field], dict[str, str]] = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["acronym", "name", "jurisdiction"]
    list_filter = ["jurisdiction"]
    search_fields = ["acronym", "name", "name_zh_hans"]
    autocomplete_fields = ["jurisdiction"]
    fields = [
        "acronym",
        ("name", "name_zh_hans"),
        "jurisdiction",
        "website",
        "parent",
        "agenda_code",
        "federal_register_slug",
    ]


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    fields = ["position", "title", "title_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ["title", "authority", "announced_on"]
    search_fields = ["title", "title_zh_hans", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authority"]
    fields = [
        ("title", "title_zh_hans"),
        "slug",
        ("summary", "summary_zh_hans"),
        "authority",
        "announced_on",
    ]
    inlines = [WorkstreamInline]


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["title", "roadmap", "position"]
    list_filter = ["roadmap"]
    search_fields = ["title", "title_zh_hans", "roadmap__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["roadmap"]
    fields = [
        "roadmap",
        ("title", "title_zh_hans"),
        "slug",
        ("summary", "summary_zh_hans"),
        "position",
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "position"]
    search_fields = ["name", "name_zh_hans", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [("name", "name_zh_hans"), "slug", "description", "position"]


class DueWindowFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"
    windows = {"overdue": None, "30": 30, "90": 90, "365": 365}

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("overdue")),
            ("30", _("in the next 30 days")),
            ("90", _("in the next 90 days")),
            ("365", _("in the next year")),
            ("undated", _("no date yet")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "undated":
            return queryset.filter(target_end__isnull=True)
        if self.value() in self.windows:
            days = self.windows[self.value()]
            return queryset.due_between(today, today + datetime.timedelta(days=days))
        return queryset


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = URL_FIELDS
    fields = ["title", "publisher", "url", "accessed_on"]
    extra = 0


class DependencyInline(admin.TabularInline):
    model = Dependency
    fk_name = "milestone"
    fields = ["prerequisite"]
    autocomplete_fields = ["prerequisite"]
    extra = 0
    verbose_name = _("depends on")
    verbose_name_plural = _("depends on")


class ClockTermFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        triggers = {
            form.cleaned_data["trigger"].pk
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("trigger")
        }
        edges = clock_edges(exclude=self.instance.pk)
        if self.instance.pk and creates_cycle(self.instance.pk, triggers, edges):
            raise ValidationError(
                _(
                    "That clock would make a loop: it counts from a milestone that counts from "
                    "this one."
                )
            )


class ClockTermInline(admin.TabularInline):
    """The clock's terms: "120 days after" a milestone, or a fixed date; the milestone's "clock
    takes" field says whether the earlier or the later of them is the target."""

    model = ClockTerm
    formset = ClockTermFormSet
    fk_name = "milestone"
    fields = ["offset", "unit", "trigger", "on"]
    autocomplete_fields = ["trigger"]
    extra = 0
    verbose_name = _("clock term")
    verbose_name_plural = _("clock: the target follows these terms (none: a plain date)")


class HistoryInline(admin.TabularInline):
    model = MilestoneUpdate
    readonly_fields = ("recorded_at", "kind", "change", "note", "recorded_by", "source")
    fields = readonly_fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("change"))
    def change(self, update):
        return update.describe()


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = [
        "title",
        "status",
        "target_words",
        "progress_percent",
        "slip_count",
        "workstream_title",
        "jurisdiction",
        "updated_on",
    ]
    list_filter = [
        "status",
        DueWindowFilter,
        ("workstream__roadmap", admin.RelatedOnlyFieldListFilter),
        ("workstream", admin.RelatedOnlyFieldListFilter),
        ("authority__jurisdiction", admin.RelatedOnlyFieldListFilter),
        "confidence",
        "target_precision",
    ]
    list_select_related = ["workstream__roadmap", "authority__jurisdiction"]
    search_fields = ["title", "title_zh_hans", "slug", "summary"]
    autocomplete_fields = ["workstream", "authority", "topics"]
    readonly_fields = ["target_interval", "slip_count", "slip_days", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_zh_hans"),
                    "slug",
                    "workstream",
                    "authority",
                    "topics",
                    ("summary", "summary_zh_hans"),
                    "version",
                ]
            },
        ),
        (
            _("Where it stands"),
            {
                "fields": [
                    "status",
                    "progress",
                    "target_text",
                    "target_interval",
                    "confidence",
                    "actual_date",
                    "clock_combine",
                    "change_note",
                ]
            },
        ),
        (
            _("Record"),
            {"fields": ["slip_count", "slip_days", "created_at", "updated_at"]},
        ),
    ]
    inlines = [SourceInline, DependencyInline, ClockTermInline, HistoryInline]
    actions = ["change_status", "shift_target"]
    date_hierarchy = "target_end"

    @admin.display(description=_("target"), ordering="target_end")
    def target_words(self, milestone):
        return milestone.target.words()

    class Media:
        css = {"all": ["roadmap/admin.css"]}

    def changelist_view(self, request, extra_context=None):
        # The list needs the whole width for its columns; the sidebar stays on every other page.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    @admin.display(description=_("workstream"), ordering="workstream__title")
    def workstream_title(self, milestone):
        return milestone.workstream.title

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated_on(self, milestone):
        return timezone.localdate(milestone.updated_at).isoformat()

    @admin.display(description=_("progress"), ordering="progress")
    def progress_percent(self, milestone):
        return f"{milestone.progress}%"

    @admin.display(description=_("jurisdiction"), ordering="authority__jurisdiction__code")
    def jurisdiction(self, milestone):
        return milestone.authority.jurisdiction.code

    @admin.display(description=_("target interval"))
    def target_interval(self, milestone):
        target = milestone.target
        if not target.is_dated:
            return target.words()
        return f"{target.words()}: {target.start:%Y-%m-%d} – {target.end:%Y-%m-%d}"

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.DESCRIPTIVE_FIELDS}
        tracked = {
            "status": obj.status,
            "target": obj.target,
            "progress": obj.progress,
            "actual_date": obj.actual_date,
        }
        note = form.cleaned_data.get("change_note", "")
        topics = form.cleaned_data.get("topics", [])
        if change and obj.clock_terms.exists():
            # A clocked target is its clock's: the services recompute it, the form can't move it.
            del tracked["target"]
        if change:
            services.milestone_record_update(
                milestone=obj, by=request.user, note=note, topics=topics, **fields, **tracked
            )
        else:
            created = services.milestone_create(
                by=request.user, note=note, topics=topics, **fields, **tracked
            )
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # save_model gave the services the topics; the inlines go through them in save_formset.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Source:
            return self._save_sources(form.instance, formset)
        if formset.model is Dependency:
            return self._save_dependencies(form.instance, formset)
        if formset.model is not ClockTerm:
            return super().save_formset(request, form, formset, change)
        # The services write the terms; the admin's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not (formset.has_changed() or "clock_combine" in form.changed_data):
            return None
        terms = [
            Term(
                after=data["trigger"].pk if data.get("trigger") else None,
                offset=data.get("offset") or 0,
                unit=data.get("unit") or Unit.DAYS,
                on=data.get("on"),
            )
            for data in (each.cleaned_data for each in formset.forms)
            if data and not data.get("DELETE")
        ]
        services.milestone_set_clock(
            milestone=form.instance,
            terms=terms,
            combine=form.instance.clock_combine,
            by=request.user,
        )
        form.instance.refresh_from_db()
        return None

    @staticmethod
    def _save_sources(milestone, formset):
        """Add, correct and remove sources through the services; the admin's change message
        reads the lists this fills."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for each in formset.deleted_forms:
            if each.instance.pk:
                services.source_remove(source=each.instance)
                formset.deleted_objects.append(each.instance)
        for each in formset.forms:
            if each in formset.deleted_forms or not each.has_changed():
                continue
            fields = {name: each.cleaned_data[name] for name in SourceInline.fields}
            if each.instance.pk:
                source = services.source_change(source=each.instance, **fields)
                formset.changed_objects.append((source, each.changed_data))
            else:
                source = services.source_add(milestone=milestone, **fields)
                formset.new_objects.append(source)

    @staticmethod
    def _save_dependencies(milestone, formset):
        """Add and remove prerequisites through the services (a changed row is one removed and
        one added); the admin's change message reads the lists this fills."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for each in formset.forms:
            removed = each in formset.deleted_forms or "prerequisite" in each.changed_data
            if each.instance.pk and removed:
                before = Milestone.objects.get(pk=each.initial["prerequisite"])
                services.milestone_remove_dependency(milestone=milestone, prerequisite=before)
                formset.deleted_objects.append(each.instance)
        for each in formset.forms:
            if each in formset.deleted_forms or "prerequisite" not in each.changed_data:
                continue
            dependency = services.milestone_add_dependency(
                milestone=milestone, prerequisite=each.cleaned_data["prerequisite"]
            )
            formset.new_objects.append(dependency)

    @admin.action(description=_("Change the status of the selected milestones"))
    def change_status(self, request, queryset):
        form = ChangeStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply(
                request,
                queryset,
                lambda milestone: services.milestone_change_status(
                    milestone=milestone,
                    status=data["status"],
                    actual_date=data["actual_date"],
                    note=data["note"],
                    by=request.user,
                ),
            )
            return None
        return self._action_page(request, queryset, form, _("Change status"), "change_status")

    @admin.action(description=_("Shift the targets of the selected milestones by N days"))
    def shift_target(self, request, queryset):
        form = ShiftTargetForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply(
                request,
                queryset,
                lambda milestone: services.milestone_shift_target(
                    milestone=milestone, days=data["days"], note=data["note"], by=request.user
                ),
            )
            return None
        return self._action_page(request, queryset, form, _("Shift targets"), "shift_target")

    def _apply(self, request, queryset, change):
        """Run ``change`` on each milestone; report the ones it refused and why."""
        done = 0
        for milestone in queryset:
            try:
                change(milestone)
            except ValidationError as error:
                reasons = "; ".join(error.messages)
                self.message_user(request, f"{milestone}: {reasons}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%d milestone changed.", "%d milestones changed.", done) % done,
                messages.SUCCESS,
            )

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="roadmap_milestone_import"),
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="roadmap_milestone_import_job",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Start an import of an upload; a worker runs it with the same code as the commands."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = jobs.import_job_create(
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                options=form.options(),
                by=request.user,
            )
            transaction.on_commit(lambda: _queue_import(job.pk))
            return redirect("admin:roadmap_milestone_import_job", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import government data"),
            "form": form,
            "recent": ImportJob.objects.select_related("created_by")[:10],
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/roadmap/milestone/import.html", context, status=status
        )

    def import_job_view(self, request, job_id):
        """An import's state, progress and kept report; the page reloads itself until it ends."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": job.file_name},
            "job": job,
            "progress": jobs.import_job_progress(job),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/roadmap/milestone/import_job.html", context)

    def _action_page(self, request, queryset, form, title, action):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "action": action,
            "milestones": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/roadmap/milestone/action_form.html", context)


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(admin.ModelAdmin):
    """The whole change log, newest first; history is written by the services only."""

    list_display = ["recorded_at", "milestone", "kind", "change", "slip_days", "recorded_by"]
    list_filter = ["kind", ("milestone__workstream__roadmap", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["milestone", "recorded_by"]
    search_fields = ["milestone__title", "note"]
    date_hierarchy = "recorded_at"

    @admin.display(description=_("change"))
    def change(self, update):
        return update.describe()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgendaRule)
class AgendaRuleAdmin(admin.ModelAdmin):
    """What the newest imported Unified Agenda edition says of each rule: read-only."""

    list_display = ["rin", "workstream", "agency", "stage", "priority", "edition"]
    list_filter = ["stage", "priority", "edition"]
    list_select_related = ["workstream__roadmap", "agency__jurisdiction"]
    search_fields = ["rin", "workstream__title", "agency__acronym", "agency__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
