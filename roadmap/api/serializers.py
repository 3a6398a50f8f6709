"""What the API shows and accepts. Writes go through ``roadmap.services`` like every other door."""

from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.language import language_codes
from config.nul_bytes import contains_nul
from roadmap import selectors, services
from roadmap.api.fields import TargetField, TargetSerializer, target_data
from roadmap.api.forecasts import (
    ClockSerializer,
    ClockTermSerializer,
    DriftSerializer,
    ForecastSerializer,
    clock_data,
    drift_data,
    forecast_data,
)
from roadmap.content_language import text_for
from roadmap.forecasts.clocks import Combine
from roadmap.models import (
    Authority,
    Confidence,
    Jurisdiction,
    LegalDeadline,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Status,
    Topic,
    UpdateKind,
    Workstream,
)
from roadmap.targets import Target


class StrictSerializerMixin:
    """Refuse fields the serializer doesn't know, instead of silently dropping them, and NUL
    characters anywhere in a field (PostgreSQL cannot even look them up)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - {name for name, f in self.fields.items() if not f.read_only}
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not known here."] for name in sorted(unknown)}
                )
            with_nul = sorted(name for name, value in data.items() if contains_nul(value))
            if with_nul:
                raise serializers.ValidationError(
                    {name: ["Null characters are not allowed."] for name in with_nul}
                )
        return super().to_internal_value(data)


def raise_as_api_error(error: DjangoValidationError):
    """Re-raise a model or service ValidationError as the API's 400 with field messages."""
    if hasattr(error, "message_dict"):
        raise serializers.ValidationError(
            {
                "target" if name.startswith("target_") else name: messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    raise serializers.ValidationError({"non_field_errors": error.messages}) from None


def languages_field() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.ChoiceField(choices=language_codes()),
        read_only=True,
        help_text="The language each text is in, by field: the requested one (lang or "
        "Accept-Language), or en when the text has no version in it and the original is shown.",
    )


def localized(obj, fields: tuple[str, ...]) -> dict:
    """Return ``fields`` of ``obj`` in the active language, with ``languages`` saying which."""
    texts = {field: text_for(obj, field) for field in fields}
    return {
        **{field: text.text for field, text in texts.items()},
        "languages": {field: text.language for field, text in texts.items()},
    }


class LocalizedModelSerializer(serializers.ModelSerializer):
    """A model serializer whose ``localized_fields`` are served in the requested language."""

    localized_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        return {**super().to_representation(instance), **localized(instance, self.localized_fields)}


class JurisdictionSerializer(LocalizedModelSerializer):
    languages = languages_field()
    localized_fields = ("name",)

    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "languages"]
        extra_kwargs = {"name": {"help_text": "The jurisdiction's name, e.g. European Union."}}


class AuthoritySerializer(LocalizedModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Jurisdiction] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the authority's jurisdiction."
    )
    languages = languages_field()
    localized_fields = ("name",)

    class Meta:
        model = Authority
        fields = ["acronym", "name", "website", "jurisdiction", "languages"]
        extra_kwargs = {
            "acronym": {"help_text": "Short name and identifier, e.g. SEC."},
            "name": {"help_text": "Full name of the authority."},
            "website": {"help_text": "The authority's website (may be empty)."},
        }


class WorkstreamSerializer(LocalizedModelSerializer):
    # Declared, not derived from the model, so the schema is the same on every database.
    position = serializers.IntegerField(
        read_only=True, min_value=0, help_text="Its place in the roadmap's order."
    )
    roadmap: serializers.SlugRelatedField[Roadmap] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The slug of the roadmap it belongs to."
    )
    languages = languages_field()
    localized_fields = ("title", "summary")

    class Meta:
        model = Workstream
        fields = ["id", "slug", "title", "summary", "roadmap", "position", "languages"]
        extra_kwargs = {
            "id": {"help_text": "The workstream's id (used when writing milestones)."},
            "slug": {"help_text": "Identifier, unique within its roadmap."},
            "title": {"help_text": "What the workstream covers."},
        }


class RoadmapSerializer(LocalizedModelSerializer):
    authority: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(
        slug_field="acronym", read_only=True, help_text="The lead authority's acronym."
    )
    workstreams = WorkstreamSerializer(
        many=True, read_only=True, help_text="Its workstreams, in order."
    )
    url = serializers.SerializerMethodField(help_text="The roadmap's page.")
    languages = languages_field()
    localized_fields = ("title", "summary")

    class Meta:
        model = Roadmap
        fields = [
            "slug",
            "title",
            "summary",
            "authority",
            "announced_on",
            "url",
            "workstreams",
            "languages",
        ]
        extra_kwargs = {
            "slug": {"help_text": "Stable identifier, also in the page's address."},
            "title": {"help_text": "The roadmap's name."},
            "announced_on": {"help_text": "When the roadmap was announced."},
        }

    def get_url(self, roadmap) -> str:
        return self.context["request"].build_absolute_uri(roadmap.get_absolute_url())


class PlaceSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="Its slug.")
    title = serializers.CharField(help_text="Its title.")
    languages = languages_field()


class WorkstreamRefSerializer(PlaceSerializer):
    id = serializers.IntegerField(help_text="The workstream's id (used when writing).")


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="What the source is called.")
    publisher = serializers.CharField(help_text="Who published it.")
    url = serializers.URLField(allow_blank=True, help_text="Where it is (may be empty).")
    accessed_on = serializers.DateField(allow_null=True, help_text="When it was read.")


_MOMENT = serializers.DateTimeField()


class MilestonePageSerializer(serializers.ListSerializer):
    """A page of milestones: their topics, sources and dependencies in three queries."""

    def to_representation(self, data):
        milestones = list(data)
        self.child.context["related"] = selectors.milestone_relations([m.pk for m in milestones])
        self.child.context["clocks"] = selectors.milestone_clocks(milestones)
        return [self.child.to_representation(milestone) for milestone in milestones]


class MilestoneSerializer(serializers.Serializer):
    """A milestone as integrators read it; built by hand for speed, the fields are its schema."""

    slug = serializers.SlugField(help_text="Stable identifier, also in the page's address.")
    title = serializers.CharField(help_text="What the milestone is.")
    summary = serializers.CharField(help_text="Markdown, as the editors wrote it.")
    languages = languages_field()
    status = serializers.ChoiceField(choices=Status.choices, help_text="Where it stands.")
    status_label = serializers.CharField(help_text="The status in the requested language.")
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="0–100 %.")
    confidence = serializers.ChoiceField(
        choices=Confidence.choices, help_text="How sure the target is."
    )
    target = TargetSerializer(help_text="The fuzzy target date.")
    clock = ClockSerializer(
        allow_null=True, help_text="The rule its target follows; null for a plain date."
    )
    baseline = TargetSerializer(
        allow_null=True, help_text="The first dated target it was published with, kept."
    )
    drift = DriftSerializer(
        allow_null=True, help_text="How far the target is from the baseline; null if undated."
    )
    forecast = ForecastSerializer(
        allow_null=True,
        help_text="When it is likely to happen; null when it is not open, listed and dated.",
    )
    actual_date = serializers.DateField(allow_null=True, help_text="When it was completed.")
    slip_count = serializers.IntegerField(help_text="How many times the target moved later.")
    slip_days = serializers.IntegerField(
        help_text="How far the target's end has moved since it was first set, in days."
    )
    legal_deadline = serializers.ChoiceField(
        choices=LegalDeadline.choices,
        allow_blank=True,
        help_text="Set when a statute or a court sets the date; empty for the authority's plan.",
    )
    dropped_on = serializers.DateField(
        allow_null=True,
        help_text="When its source stopped listing it (a row dropped from a later agenda "
        "edition); null while it is listed. A dropped milestone is never overdue.",
    )
    roadmap = PlaceSerializer(help_text="The roadmap it belongs to.")
    workstream = WorkstreamRefSerializer(help_text="The workstream it belongs to.")
    authority = serializers.CharField(help_text="The authority's acronym.")
    jurisdiction = serializers.CharField(help_text="The jurisdiction's code.")
    topics = serializers.ListField(child=serializers.SlugField(), help_text="Topic slugs.")
    sources = SourceSerializer(many=True, help_text="Where the facts come from.")
    depends_on = serializers.ListField(
        child=serializers.SlugField(), help_text="Slugs of the milestones this one needs first."
    )
    needed_by = serializers.ListField(
        child=serializers.SlugField(), help_text="Slugs of the milestones that need this one."
    )
    created_at = serializers.DateTimeField(help_text="When the tracker first recorded it.")
    updated_at = serializers.DateTimeField(help_text="When it last changed.")
    url = serializers.URLField(help_text="The milestone's page.")
    calendar_url = serializers.URLField(help_text="iCalendar feed of its workstream.")
    history_url = serializers.URLField(help_text="Its change log in the API.")

    class Meta:
        list_serializer_class = MilestonePageSerializer

    @cached_property
    def _links(self) -> dict[str, str]:
        """Absolute URL patterns for this request, reversed once per serializer (a page's
        milestones share one) rather than per milestone."""
        build = self.context["request"].build_absolute_uri
        slug = {"slug": "__slug__"}
        return {
            "url": build(reverse("roadmap:milestone", kwargs=slug)),
            "history_url": build(reverse("api:milestone-history", kwargs=slug)),
            "calendar_url": build(
                reverse(
                    "roadmap:workstream-ics",
                    kwargs={"roadmap": "__roadmap__", "key": "__workstream__"},
                )
            ),
        }

    def to_representation(self, milestone: Milestone) -> dict:
        related = self.context.get("related") or selectors.milestone_relations([milestone.pk])
        clocks = self.context.get("clocks")
        clock = selectors.milestone_clock(milestone) if clocks is None else clocks.get(milestone.pk)
        baseline = milestone.baseline
        links = self._links
        workstream = milestone.workstream
        roadmap = workstream.roadmap
        return {
            "slug": milestone.slug,
            **localized(milestone, ("title", "summary")),
            "status": milestone.status,
            "status_label": str(Status(milestone.status).label),
            "progress": milestone.progress,
            "confidence": milestone.confidence,
            "target": target_data(milestone.target),
            "clock": clock_data(clock),
            "baseline": target_data(Target.from_dict(baseline)) if baseline else None,
            "drift": drift_data(milestone),
            "forecast": forecast_data(milestone),
            "actual_date": milestone.actual_date.isoformat() if milestone.actual_date else None,
            "slip_count": milestone.slip_count,
            "slip_days": milestone.slip_days,
            "legal_deadline": milestone.legal_deadline,
            "dropped_on": milestone.dropped_on.isoformat() if milestone.dropped_on else None,
            "roadmap": {"slug": roadmap.slug, **localized(roadmap, ("title",))},
            "workstream": {
                "id": workstream.pk,
                "slug": workstream.slug,
                **localized(workstream, ("title",)),
            },
            "authority": milestone.authority.acronym,
            "jurisdiction": milestone.authority.jurisdiction.code,
            "topics": related.topics[milestone.pk],
            "sources": related.sources[milestone.pk],
            "depends_on": related.depends_on[milestone.pk],
            "needed_by": related.needed_by[milestone.pk],
            "created_at": _MOMENT.to_representation(milestone.created_at),
            "updated_at": _MOMENT.to_representation(milestone.updated_at),
            "url": links["url"].replace("__slug__", milestone.slug),
            "calendar_url": links["calendar_url"]
            .replace("__roadmap__", roadmap.slug)
            .replace("__workstream__", workstream.slug),
            "history_url": links["history_url"].replace("__slug__", milestone.slug),
        }


class MilestoneWriteSerializer(StrictSerializerMixin, serializers.Serializer):
    """Create or change a milestone; every change is recorded in its history."""

    title = serializers.CharField(max_length=300, help_text="What the milestone is.")
    title_zh_hans = serializers.CharField(
        max_length=300,
        allow_blank=True,
        required=False,
        help_text="The title in Simplified Chinese.",
    )
    slug = serializers.SlugField(
        max_length=120, required=False, help_text="Identifier; made from the title if left out."
    )
    workstream = serializers.PrimaryKeyRelatedField(
        queryset=Workstream.objects.all(), help_text="The id of its workstream."
    )
    authority = serializers.SlugRelatedField(
        slug_field="acronym",
        queryset=Authority.objects.all(),
        help_text="The acronym of the authority that owns it.",
    )
    summary = serializers.CharField(
        allow_blank=True, required=False, max_length=20_000, help_text="Markdown."
    )
    summary_zh_hans = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=20_000,
        help_text="The summary in Simplified Chinese (Markdown).",
    )
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Where it stands."
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, help_text="0–100 %."
    )
    confidence = serializers.ChoiceField(
        choices=Confidence.choices, required=False, help_text="How sure the target is."
    )
    target = TargetField(required=False, help_text="Words (“before Q3 2025”) or an object.")
    clock = ClockSerializer(
        required=False,
        allow_null=True,
        help_text="Make the target a clock (it then sets the target); null or no terms removes it.",
    )
    actual_date = serializers.DateField(
        allow_null=True, required=False, help_text="When it was completed."
    )
    topics = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Topic.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of the topics it concerns.",
    )
    note = serializers.CharField(
        allow_blank=True, required=False, max_length=2000, help_text="Why, for the history."
    )

    @transaction.atomic
    def create(self, validated):
        note = validated.pop("note", "")
        clock = validated.pop("clock", None)
        try:
            milestone = services.milestone_create(
                by=self.context["request"].user, note=note, **validated
            )
            return self._set_clock(milestone, clock)
        except DjangoValidationError as error:
            raise_as_api_error(error)

    @transaction.atomic
    def update(self, milestone, validated):
        note = validated.pop("note", "")
        has_clock, clock = "clock" in validated, validated.pop("clock", None)
        try:
            if has_clock:
                milestone = self._set_clock(milestone, clock or {"terms": []})
            milestone = services.milestone_record_update(
                milestone=milestone, by=self.context["request"].user, note=note, **validated
            )
        except DjangoValidationError as error:
            raise_as_api_error(error)
        return milestone

    def _set_clock(self, milestone, clock):
        if clock is None:
            return milestone
        term = ClockTermSerializer()
        return services.milestone_set_clock(
            milestone=milestone,
            terms=[term.to_term(data) for data in clock.get("terms", [])],
            combine=clock.get("combine", Combine.EARLIER),
            by=self.context["request"].user,
        )


class RecordUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    """Record what happened to a milestone: a note, and any new status, target or progress."""

    note = serializers.CharField(max_length=2000, help_text="What happened.")
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="The new status, if it changed."
    )
    target = TargetField(
        required=False, help_text="The new target, in words (“by Q3 2026”) or as an object."
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, help_text="The new progress, 0–100 %."
    )
    actual_date = serializers.DateField(
        allow_null=True, required=False, help_text="When it was completed, if it was."
    )


class UpdateSerializer(serializers.ModelSerializer):
    """One entry of a milestone's history."""

    milestone: serializers.SlugRelatedField[Milestone] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The slug of the milestone it changed."
    )
    kind = serializers.ChoiceField(
        choices=UpdateKind.choices,
        read_only=True,
        help_text="Created, changed, dropped or listed again by its source, or a note.",
    )
    description = serializers.CharField(
        source="describe", read_only=True, help_text="What changed, in one line."
    )
    slip_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="How far the target's end moved: positive is later, negative earlier.",
    )
    old_progress = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The progress before, if it changed."
    )
    new_progress = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The progress after, if it changed."
    )
    old_target = serializers.SerializerMethodField(help_text="The target before, if it moved.")
    new_target = serializers.SerializerMethodField(help_text="The target after, if it moved.")

    class Meta:
        model = MilestoneUpdate
        fields = [
            "id",
            "milestone",
            "kind",
            "recorded_at",
            "note",
            "description",
            "old_status",
            "new_status",
            "old_target",
            "new_target",
            "slip_days",
            "old_progress",
            "new_progress",
        ]
        extra_kwargs = {
            "id": {"help_text": "The entry's id; ids grow in the order entries were recorded."},
            "recorded_at": {"help_text": "When it was recorded."},
            "note": {"help_text": "Why, as the editor wrote it."},
            "old_status": {"help_text": "The status before (empty if it did not change)."},
            "new_status": {"help_text": "The status after (empty if it did not change)."},
        }

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_old_target(self, update):
        return target_data(update.old_target_value) if update.old_target else None

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_new_target(self, update):
        return target_data(update.new_target_value) if update.new_target else None
