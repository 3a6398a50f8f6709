"""The JSON API: anyone reads, editors with the model permissions write, through the services."""

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.http import http_date, parse_etags, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, generics, mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ParseError, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from config.language import language_codes
from roadmap import selectors, services, versions
from roadmap.api.filters import ChangeFilter, MilestoneFilterSet
from roadmap.api.forecasts import ScorecardSerializer, scorecard_data
from roadmap.api.serializers import (
    AuthoritySerializer,
    JurisdictionSerializer,
    MilestoneSerializer,
    MilestoneWriteSerializer,
    RecordUpdateSerializer,
    RoadmapSerializer,
    UpdateSerializer,
    WorkstreamSerializer,
    raise_as_api_error,
)
from roadmap.models import Authority, Jurisdiction, Milestone, MilestoneUpdate, Roadmap, Workstream

MAX_BODY_BYTES = 64 * 1024
LANGUAGE = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=language_codes(),
    description="Language of the words in the response (else Accept-Language).",
)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=(
        "The ETag of the milestone as you read it (in the same language). The write is refused "
        "with 412 if the milestone has changed since; `*` or no header writes whatever it is now."
    ),
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The milestone has changed since the version If-Match names."
    default_code = "precondition_failed"


def representation_etag(data) -> str:
    """The strong ETag of a milestone's JSON representation: what GET sends and If-Match names."""
    return quote_etag(hashlib.md5(JSONRenderer().render(data), usedforsecurity=False).hexdigest())


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies up to ``MAX_BODY_BYTES``: a larger one is refused before it is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            raise ParseError(f"The request body is {length} bytes; the limit is {MAX_BODY_BYTES}.")
        return super().parse(stream, media_type, parser_context)


class Pages(CursorPagination):
    """Cursor pages: stable while the data changes underneath."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering: str | tuple[str, ...] = "id"

    def get_page_size(self, request):
        """The ``page_size`` asked for, 1 to 100; anything else is a 400 rather than ignored."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not asked.isdigit() or not 1 <= int(asked) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(asked)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["next"]["description"] = "The next page's address; null on the last page."
        properties["previous"]["description"] = "The previous page's address; null on the first."
        properties["results"]["description"] = "This page's items."
        return paginated


class HistoryPages(Pages):
    """A milestone's history, newest first."""

    ordering = ("-recorded_at", "-id")


class ApiView(generics.GenericAPIView):
    """What every endpoint shares: the ``lang`` parameter and the JSON-only parser."""

    parser_classes = [LimitedJSONParser]
    pagination_class = Pages

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        language = request.query_params.get("lang")
        if language is not None:
            if language not in language_codes():
                raise ValidationError({"lang": [f"Use {' or '.join(language_codes())}."]})
            translation.activate(language)
            request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)


@extend_schema_view(list=extend_schema(parameters=[LANGUAGE]))
class RoadmapViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Roadmaps and their workstreams."""

    queryset = Roadmap.objects.select_related("authority").prefetch_related("workstreams")
    serializer_class = RoadmapSerializer
    lookup_field = "slug"


class WorkstreamViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Workstreams: the topics inside a roadmap."""

    queryset = Workstream.objects.all()
    serializer_class = WorkstreamSerializer


class JurisdictionViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    queryset = Jurisdiction.objects.all()
    serializer_class = JurisdictionSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2,8}"

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()

    @extend_schema(responses=ScorecardSerializer, parameters=[LANGUAGE])
    @action(detail=True, methods=["get"])
    def scorecard(self, request, code=None):
        """How often the jurisdiction's authorities were done by their first deadlines."""
        today = timezone.localdate()
        scorecard = selectors.jurisdiction_scorecard(self.get_object(), today)
        return Response(scorecard_data(scorecard, today))


class AuthorityViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    queryset = Authority.objects.select_related("jurisdiction")
    serializer_class = AuthoritySerializer
    lookup_field = "acronym"

    @extend_schema(responses=ScorecardSerializer, parameters=[LANGUAGE])
    @action(detail=True, methods=["get"])
    def scorecard(self, request, acronym=None):
        """How often the authority's milestones were done by the end of the first period
        published for them, the median slip, the count of milestones and the trend by year."""
        today = timezone.localdate()
        scorecard = selectors.authority_scorecard(self.get_object(), today)
        return Response(scorecard_data(scorecard, today))


def milestone_queryset():
    """Milestones with their workstream, roadmap, authority and jurisdiction in one query; the
    serializer reads topics, sources and dependencies for a whole page in three more."""
    return selectors.milestones()


@extend_schema_view(
    list=extend_schema(parameters=[LANGUAGE]),
    retrieve=extend_schema(parameters=[LANGUAGE]),
    create=extend_schema(request=MilestoneWriteSerializer, responses={201: MilestoneSerializer}),
    partial_update=extend_schema(
        request=MilestoneWriteSerializer,
        responses={200: MilestoneSerializer},
        parameters=[IF_MATCH],
    ),
)
class MilestoneViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Milestones with their fuzzy targets. Writes need an editor's model permissions."""

    serializer_class = MilestoneSerializer
    lookup_field = "slug"
    permission_classes = [permissions.DjangoModelPermissionsOrAnonReadOnly]
    filterset_class = MilestoneFilterSet
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id", "updated_at", "created_at", "title", "progress", "slip_days"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return milestone_queryset()

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return MilestoneWriteSerializer
        if self.action == "record_update":
            return RecordUpdateSerializer
        return MilestoneSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        changed = self.filter_queryset(Milestone.objects.all()).aggregate(last=Max("updated_at"))
        if changed["last"]:
            response["Last-Modified"] = http_date(changed["last"].timestamp())
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        milestone = self.get_object()
        response["Last-Modified"] = http_date(milestone.updated_at.timestamp())
        response["ETag"] = representation_etag(response.data)
        return response

    def create(self, request, *args, **kwargs):
        serializer = MilestoneWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        milestone = serializer.save()
        return Response(self._read(milestone), status=status.HTTP_201_CREATED)

    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        self._check_if_match(milestone)
        serializer = MilestoneWriteSerializer(
            milestone, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        return self._written(serializer.save(), status.HTTP_200_OK)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses=UpdateSerializer(many=True), parameters=[LANGUAGE])
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        url_name="history",
        filter_backends=[],
        pagination_class=HistoryPages,
    )
    def history(self, request, slug=None):
        """The milestone's change log, newest first, in cursor pages."""
        milestone = self.get_object()
        page = self.paginate_queryset(selectors.updates().filter(milestone=milestone))
        return self.get_paginated_response(UpdateSerializer(page, many=True).data)

    @extend_schema(
        request=RecordUpdateSerializer, responses={201: MilestoneSerializer}, parameters=[IF_MATCH]
    )
    @history.mapping.post
    def record_update(self, request, slug=None):
        """Record what happened, with a note; status, target and progress may change with it."""
        if not request.user.has_perm("roadmap.change_milestone"):
            raise PermissionDenied("Recording an update needs the permission to change milestones.")
        with transaction.atomic():
            milestone = self.get_object()
            self._check_if_match(milestone)
            serializer = RecordUpdateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                milestone = services.milestone_record_update(
                    milestone=milestone, by=request.user, **serializer.validated_data
                )
            except DjangoValidationError as error:
                raise_as_api_error(error)
            return self._written(milestone, status.HTTP_201_CREATED)

    def _check_if_match(self, milestone) -> None:
        """Refuse the write (412) unless ``If-Match`` names the current representation's ETag.

        The row stays locked until the write commits, so no change slips in between. A weak ETag
        never matches (RFC 9110's strong comparison)."""
        header = self.request.headers.get("If-Match")
        if header is None:
            return
        stored = versions.milestone_lock(milestone.pk)
        etags = parse_etags(header)
        if etags == ["*"] or representation_etag(self._read(milestone)) in etags:
            return
        raise PreconditionFailed(
            f"The milestone was {versions.changed_since_message(stored, since=None)} since the "
            "version your If-Match names. Read it again and send your change with its new ETag."
        )

    def _written(self, milestone, code):
        data = self._read(milestone)
        return Response(data, status=code, headers={"ETag": representation_etag(data)})

    def _read(self, milestone):
        fresh = milestone_queryset().get(pk=milestone.pk)
        return MilestoneSerializer(fresh, context={"request": self.request}).data


@extend_schema_view(list=extend_schema(parameters=[LANGUAGE]))
class ChangeViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Every recorded change, oldest first, for incremental sync (filter with ``since``)."""

    serializer_class = UpdateSerializer
    filterset_class = ChangeFilter

    def get_queryset(self):
        return MilestoneUpdate.objects.select_related("milestone").order_by("id")
