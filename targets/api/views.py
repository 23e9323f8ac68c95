"""The endpoints of ``/api/v1/``: reference data, figures, entries and their workflow.

Reads are scoped as the pages (``targets.api.rollup``); writes call ``targets.domain.services``,
which check scope, workflow, figures and version and keep the history. Messages are
Vietnamese unless the request asks for English (``Accept-Language: en``).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from targets.api import imports, rollup
from targets.api import serializers as s
from targets.domain import services
from targets.domain.models import AdministrativeUnit, Pillar, Plan, ProgressEntry, Target
from targets.domain.plans import default_plan
from targets.domain.services import EntryConflict

# --- Errors and language --------------------------------------------------------------


def _field_errors(error: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF's body: {field: [messages]}, the rest under
    ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    """DRF's handler, plus the services' errors: a version conflict is a 409 naming who
    saved first; a refused figure a 400 keyed by field; a vanished entry a 404."""
    if isinstance(exc, EntryConflict):
        return Response(
            {"detail": exc.messages[0], "current_version": exc.current.version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


class ApiMixin:
    """Every endpoint: the language of ``Accept-Language`` (or the language cookie),
    Vietnamese by default, and responses that vary with it. A NUL character or broken
    UTF-8 in the path or the query never reaches here: ``tracker.middleware``'s request
    guard answers 400 in the API's JSON. JSON bodies are checked by the serializers'
    own fields."""

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response


# --- Reference data -------------------------------------------------------------------


class PlanViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Plans (by code)."""

    queryset = Plan.objects.order_by("code")
    serializer_class = s.PlanSerializer
    lookup_field = "code"
    pagination_class = None


class PillarViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The pillars (government, economy, society)."""

    queryset = Pillar.objects.all()
    serializer_class = s.PillarSerializer
    pagination_class = None


class TargetFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code", help_text="Plan code.")
    pillar = filters.CharFilter(field_name="pillar__code", help_text="Pillar code.")
    code = filters.CharFilter(field_name="code", help_text="Target code.")
    reporting_units = filters.ChoiceFilter(choices=Target.ReportingUnits.choices)

    class Meta:
        model = Target
        fields = ["plan", "pillar", "code", "reporting_units"]


class TargetViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Targets with the plan's own wording, comparator, target value and, where the 2025
    plan holds the same target, its 2025 value. Two queries."""

    queryset = Target.objects.with_relations().order_by("plan__code", "pillar__order", "order")
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilter
    pagination_class = None

    def list(self, request, *args, **kwargs):
        targets = list(self.filter_queryset(self.get_queryset()))
        later = (
            Target.objects.filter(plan__year=2025, code__in={t.code for t in targets})
            .select_related("plan")
            .order_by("-plan__end_date", "plan__code")
        )
        by_code = {}
        for target in later:
            by_code.setdefault(target.code, target)
        context = self.get_serializer_context() | {"targets_2025": by_code}
        return Response(s.TargetSerializer(targets, many=True, context=context).data)


class UnitFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=AdministrativeUnit.Level.choices)
    kind = filters.ChoiceFilter(choices=AdministrativeUnit.Kind.choices)
    parent = filters.CharFilter(field_name="parent__code", help_text="Code of the parent unit.")
    active_on = filters.DateFilter(method="filter_active_on", help_text="Units existing that day.")

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "kind", "parent", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class UnitViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The tree of units with their GSO codes (agencies by slug); ``parent`` is the code
    of the unit above."""

    queryset = AdministrativeUnit.objects.select_related("parent").order_by("code")
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"
    pagination_class = None


# --- Figures --------------------------------------------------------------------------


@extend_schema(parameters=[s.FigureQuerySerializer], responses=s.FiguresSerializer)
class FiguresView(ApiMixin, GenericAPIView):
    """Each target's figure as of a date, in the user's scope (or for one unit and the
    units below it): the numbers of the target table page, from the same roll-up."""

    serializer_class = s.FiguresSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = s.FigureQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        plan = query.validated_data.get("plan") or default_plan(Plan.objects.all(), as_of)
        if plan is None:
            raise exceptions.NotFound(_("Chưa có kế hoạch nào."))
        unit, figures = rollup.figures(request.user, plan, as_of, query.validated_data.get("unit"))
        data = {"plan": plan, "as_of": as_of, "unit": unit, "figures": figures}
        return Response(s.FiguresSerializer(data).data)


# --- Entries --------------------------------------------------------------------------


class EntryFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="target__plan__code", help_text="Plan code.")
    target = filters.CharFilter(field_name="target__code", help_text="Target code.")
    unit = filters.CharFilter(field_name="unit__code", help_text="Unit code.")
    period_end = filters.DateFilter(help_text="Period end (YYYY-MM-DD).")
    period_end_from = filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_to = filters.DateFilter(field_name="period_end", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=ProgressEntry.Status.choices)
    changed_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        validators=[s.datetime_in_range],
        help_text="Entries saved at or after this time (ISO 8601, e.g. 2022-12-31T00:00:00+07:00).",
    )

    class Meta:
        model = ProgressEntry
        fields = [
            "plan",
            "target",
            "unit",
            "period_end",
            "period_end_from",
            "period_end_to",
            "status",
            "changed_since",
        ]


class EntryPagination(CursorPagination):
    """In the order entries were recorded (the primary key): each page is one index
    range scan, whatever the number of entries; no COUNT(*)."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


RELATED = ("target__plan", "unit", "created_by", "updated_by", "approved_by", "returned_by")
CONFLICT = OpenApiResponse(s.ConflictSerializer, description="Saved by someone else since.")


@extend_schema_view(
    create=extend_schema(request=s.EntryCreateSerializer, responses={201: s.EntrySerializer}),
    partial_update=extend_schema(
        request=s.EntryUpdateSerializer, responses={200: s.EntrySerializer, 409: CONFLICT}
    ),
    submit=extend_schema(request=s.VersionInput, responses={200: s.EntrySerializer, 409: CONFLICT}),
    approve=extend_schema(
        request=s.ApproveSerializer, responses={200: s.EntrySerializer, 409: CONFLICT}
    ),
    return_=extend_schema(
        request=s.ReturnSerializer, responses={200: s.EntrySerializer, 409: CONFLICT}
    ),
)
class EntryViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Progress entries in the user's scope (every status). Writes go through the
    services of the admin: the same scope, workflow, validation, version check and
    history. Another unit's entry is a 404."""

    serializer_class = s.EntrySerializer
    filterset_class = EntryFilter
    pagination_class = EntryPagination
    http_method_names = ["get", "post", "patch", "head"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model
            return ProgressEntry.objects.none()
        return rollup.entries(self.request.user).select_related(*RELATED)

    def _entry(self, serializer_class):
        """(the entry, the validated body); 404 outside the scope, 400 on a bad body."""
        entry = self.get_object()
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return entry, body.validated_data

    def _answer(self, entry, code=status.HTTP_200_OK):
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(s.EntrySerializer(entry).data, status=code)

    def create(self, request):
        """Record a new entry as a draft (``entry_create``)."""
        body = s.EntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        del data["plan"]
        entry = services.entry_create(entry=ProgressEntry(**data), user=request.user)
        return self._answer(entry, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        """Change the figures of a draft or returned entry (``entry_update``)."""
        entry, data = self._entry(s.EntryUpdateSerializer)
        version = data.pop("expected_version")
        for field, value in data.items():
            setattr(entry, field, value)
        entry = services.entry_update(entry=entry, user=request.user, expected_version=version)
        return self._answer(entry)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft or returned entry to review (``entry_submit``)."""
        entry, data = self._entry(s.VersionInput)
        entry = services.entry_submit(
            entry=entry, user=request.user, expected_version=data["expected_version"]
        )
        return self._answer(entry)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted entry (reviewers; ``entry_approve``)."""
        entry, data = self._entry(s.ApproveSerializer)
        entry = services.entry_approve(
            entry=entry,
            user=request.user,
            note=data.get("note", ""),
            expected_version=data["expected_version"],
        )
        return self._answer(entry)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a submitted entry to its reporter with a reason (reviewers;
        ``entry_return``)."""
        entry, data = self._entry(s.ReturnSerializer)
        entry = services.entry_return(
            entry=entry,
            user=request.user,
            reason=data["reason"],
            expected_version=data["expected_version"],
        )
        return self._answer(entry)


@extend_schema(
    request=s.BatchSerializer,
    responses={
        200: s.BatchResultSerializer,
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Nothing was stored: the result (as for 200) with the errors of each "
            "row, or the errors of the body by field.",
        ),
    },
)
class EntryBatchView(ApiMixin, GenericAPIView):
    """Entries of one period from a machine, all or nothing, with the rules of the file
    import; sending the same batch again changes nothing (rows equal to the stored entry
    are skipped)."""

    serializer_class = s.BatchSerializer
    throttle_scope = "api_import"
    filter_backends = []
    pagination_class = None

    def post(self, request):
        body = s.BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        token = getattr(request.auth, "name", None)
        result = imports.import_batch(
            user=request.user,
            plan_code=data["plan"],
            period_end=data["period_end"],
            rows=data["entries"],
            submit=data["submit"],
            reference=f"API v1: {token}" if token else "API v1",
        )
        code = status.HTTP_200_OK if result["stored"] else status.HTTP_400_BAD_REQUEST
        return Response(s.BatchResultSerializer(result).data, status=code)


@extend_schema(exclude=True)
class NotFoundView(ApiMixin, APIView):
    """Any other path under /api/v1/: a JSON 404 (after authentication), not a page."""

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    post = put = patch = delete = get
