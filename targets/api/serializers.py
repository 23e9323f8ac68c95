"""What the API reads and writes. Output uses codes (plan, target, unit), never names
alone: names repeat. Numbers are decimal strings with up to four places."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from targets.domain.formatting import ParseError, check_date_range, format_value
from targets.domain.models import AdministrativeUnit, Pillar, Plan, ProgressEntry, Target
from targets.domain.models.entries import NOTE_MAX_LENGTH
from targets.domain.services import REASON_MAX_LENGTH

NUMBER = {"max_digits": 18, "decimal_places": 4}
MAX_BATCH = 5000


def _number(**kwargs):
    return serializers.DecimalField(**NUMBER, **kwargs)


def datetime_in_range(moment):
    """A form-field validator: ``moment``'s date lies in the tracker's date range (a
    year-1 time overflowed the conversion to UTC: a 500)."""
    from django import forms

    try:
        check_date_range(moment.date())
    except ParseError as error:
        raise forms.ValidationError(str(error)) from None


def _in_range(day):
    """``day`` if it lies in the range every date of the tracker does
    (``targets.domain.formatting.check_date_range``), else a field error."""
    try:
        return None if day is None else check_date_range(day)
    except ParseError as error:
        raise serializers.ValidationError(str(error)) from None


# --- Reference data -------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "name_en",
            "year",
            "start_date",
            "end_date",
            "issued_by",
            "reference",
            "description",
        ]


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["code", "name", "name_en", "order"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "name_en", "level", "kind", "parent", "valid_from", "valid_to"]


class LaterTargetSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.code")
    target_value = _number()
    deadline = serializers.DateField()


class TargetSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code")
    pillar = serializers.CharField(source="pillar.code")
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    target_2025 = serializers.SerializerMethodField(
        help_text="The same target (same code) in the plan of 2025: its value and deadline."
    )

    class Meta:
        model = Target
        fields = [
            "plan",
            "code",
            "pillar",
            "name",
            "name_en",
            "source_text",
            "measure",
            "comparator",
            "target_value",
            "baseline_value",
            "baseline_date",
            "deadline",
            "target_2025",
            "frequency",
            "reporting_units",
            "numerator_label",
            "denominator_label",
            "responsible_unit",
            "legal_basis",
            "order",
        ]

    @extend_schema_field(LaterTargetSerializer(allow_null=True))
    def get_target_2025(self, target):
        later = self.context.get("targets_2025", {}).get(target.code)
        return LaterTargetSerializer(later).data if later is not None else None


# --- Figures --------------------------------------------------------------------------


class FigureQuerySerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Plan.objects.all(),
        required=False,
        help_text="Plan code; default: the plan running on as_of (as the pages).",
    )
    as_of = serializers.DateField(
        required=False, help_text="YYYY-MM-DD; default: today (Asia/Ho_Chi_Minh)."
    )
    unit = serializers.CharField(
        required=False,
        max_length=20,
        help_text="A unit code: the roll-up of that unit and the units below it "
        "(e.g. a district with its communes). Default: the user's whole scope.",
    )

    def validate_as_of(self, day):
        return _in_range(day)


class FigureSerializer(serializers.Serializer):
    target = serializers.CharField(source="target.code")
    target_name = serializers.CharField(source="target.display_name")
    measure = serializers.CharField(source="target.measure")
    comparator = serializers.CharField(source="target.comparator")
    target_value = _number(source="target.target_value")
    value = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        allow_null=True,
        help_text=(
            "The figure at full precision (a ratio: 100 × numerator / denominator, never "
            "rounded); value_display is the same figure as a person reads it."
        ),
    )
    value_display = serializers.SerializerMethodField(
        help_text="The figure written for a person, in the request's language (23,44%)."
    )
    numerator = serializers.DecimalField(max_digits=None, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=None, decimal_places=4, allow_null=True)
    expected_value = serializers.DecimalField(
        max_digits=None,
        decimal_places=4,
        allow_null=True,
        help_text="Where the target should stand on as_of (linear path from the baseline).",
    )
    status = serializers.CharField(
        help_text="achieved, on_track, at_risk, off_track, missed, pending or no_data."
    )
    last_period = serializers.DateField(
        allow_null=True,
        help_text=(
            "The period the figure is for: a roll-up's current period when some unit "
            "reported for it (else null: no figure for the period); a unit's own figure's "
            "period, which may be older than current_period (stale)."
        ),
    )
    current_period = serializers.DateField(
        source="period_due", help_text="The period whose reports count (one period per figure)."
    )
    reports_received = serializers.IntegerField(
        source="reported", help_text="Units whose approved report for current_period counts."
    )
    reports_expected = serializers.IntegerField(
        source="expected", help_text="Units expected to report for current_period."
    )
    provisional = serializers.BooleanField(
        help_text="A roll-up from fewer reports than expected (tạm tính)."
    )

    previous_value = serializers.SerializerMethodField(
        help_text=(
            "The figure of the period before current_period, by the same rule (a roll-up "
            "of that period's reports), at full precision; null when there is none."
        )
    )
    change = serializers.SerializerMethodField(
        help_text="up, down or same against previous_value; null when either is missing."
    )

    def get_value_display(self, figure) -> str:
        return format_value(figure.target, figure.value)

    def get_previous_value(self, figure) -> str | None:
        freshness = getattr(figure, "freshness", None)
        previous = freshness.previous if freshness else None
        return None if previous is None or previous.value is None else str(previous.value)

    def get_change(self, figure) -> str | None:
        freshness = getattr(figure, "freshness", None)
        return freshness.change if freshness else None


class FiguresSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.code")
    as_of = serializers.DateField()
    unit = serializers.CharField(source="unit.code")
    figures = FigureSerializer(many=True)


# --- Entries --------------------------------------------------------------------------


def _username():
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class EntrySerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="target.plan.code", read_only=True)
    target = serializers.CharField(source="target.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    evidence_url = serializers.CharField(read_only=True, help_text="A URL, or empty.")
    created_by = _username()
    updated_by = _username()
    approved_by = _username()
    returned_by = _username()

    class Meta:
        model = ProgressEntry
        fields = [
            "id",
            "plan",
            "target",
            "unit",
            "period_end",
            "numerator",
            "denominator",
            "value",
            "note",
            "evidence_url",
            "status",
            "review_note",
            "version",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "submitted_at",
            "approved_by",
            "approved_at",
            "returned_by",
            "returned_at",
        ]
        read_only_fields = fields


class FiguresInput(serializers.Serializer):
    """The figures a reporter types: numerator and denominator for a ratio target, the
    value for any other (``ProgressEntry.clean`` says which)."""

    numerator = _number(required=False, allow_null=True)
    denominator = _number(required=False, allow_null=True)
    value = _number(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, trim_whitespace=False
    )
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class EntryCreateSerializer(FiguresInput):
    plan = serializers.SlugField(max_length=50)
    target = serializers.CharField(max_length=20)
    unit = serializers.CharField(max_length=20)
    period_end = serializers.DateField()

    def validate_period_end(self, day):
        return _in_range(day)

    def validate(self, data):
        target = (
            Target.objects.select_related("plan")
            .filter(plan__code=data["plan"], code=data["target"])
            .first()
        )
        unit = AdministrativeUnit.objects.select_related("parent").filter(code=data["unit"]).first()
        errors = {}
        if target is None:
            errors["target"] = [_("Không có chỉ tiêu này trong kế hoạch này.")]
        if unit is None:
            errors["unit"] = [_("Không có đơn vị mã này.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {**data, "target": target, "unit": unit}


class VersionInput(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The entry's version when you read it: if someone saved since, 409.",
    )


class EntryUpdateSerializer(VersionInput, FiguresInput):
    pass


class ApproveSerializer(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class ReturnSerializer(VersionInput):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class BatchRowSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=20)
    unit = serializers.CharField(max_length=20)
    numerator = _number(required=False, allow_null=True)
    denominator = _number(required=False, allow_null=True)
    value = _number(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default=""
    )


class BatchSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=50)
    period_end = serializers.DateField()
    submit = serializers.BooleanField(
        default=False, help_text="Also send every stored entry to review."
    )
    entries = BatchRowSerializer(many=True, max_length=MAX_BATCH, allow_empty=False)

    def validate_period_end(self, day):
        return _in_range(day)


class BatchErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        allow_null=True, help_text="Position of the entry in the batch (from 0)."
    )
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    stored = serializers.BooleanField()
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = BatchErrorSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()
