"""Plans, pillars, targets, the tree of units, and the progress entries units report.

The names here are the contract described in DESIGN.md. Integrity the database can hold
lives in ``Meta.constraints``; rules that need the target live in ``clean()``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lag
from django.db.models.sql.where import AND, WhereNode
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets import periods
from targets.sqltext import export_text


def plain_number(number: Decimal) -> str:
    """A decimal without trailing zeros, in the active language's format (120; 1,5)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


def user_is_plan_administrator(user) -> bool:
    from targets.roles import PLAN_ADMINISTRATORS

    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_plan_administrator"):
        user._is_plan_administrator = user.groups.filter(name=PLAN_ADMINISTRATORS).exists()
    return user._is_plan_administrator


class LocalizedNameMixin:
    """``display_name``: ``name_en`` in English when there is one, else ``name``."""

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name


class PlanManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Plan(LocalizedNameMixin, models.Model):
    code = models.SlugField(_("mã kế hoạch"), max_length=50, unique=True)
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    issued_by = models.CharField(_("cơ quan ban hành"), max_length=200)
    reference = models.CharField(
        _("số hiệu văn bản"),
        max_length=100,
        help_text=_("Số, ký hiệu và ngày của văn bản ban hành, ví dụ 74/KH-UBND."),
    )
    description = models.TextField(_("mô tả"), blank=True)

    objects = PlanManager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="targets_plan_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.display_name} ({self.reference})"

    def natural_key(self):
        return (self.code,)


class PillarManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Pillar(LocalizedNameMixin, models.Model):
    class Code(models.TextChoices):
        GOVERNMENT = "government", _("Chính phủ số")
        ECONOMY = "economy", _("Kinh tế số")
        SOCIETY = "society", _("Xã hội số")

    code = models.CharField(_("mã trụ cột"), max_length=20, choices=Code, unique=True)
    name = models.CharField(_("tên trụ cột"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = PillarManager()

    class Meta:
        verbose_name = _("trụ cột")
        verbose_name_plural = _("trụ cột")
        ordering = ["order", "code"]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.code,)


# (level, kind) of the units that report a target, by its ``reporting_units``
# (None: any). The city figure is reported for the city unit itself.
REPORTING_LEVEL_KEYS = {
    "city": ("city", "city"),
    "agencies": (None, "agency"),
    "districts": ("district", None),
    "communes": ("commune", None),
}


class AdministrativeUnitQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Units that exist on ``day`` (``valid_from <= day <= valid_to``)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def within(self, unit):
        """``unit`` itself and every unit below it (the tree is at most three deep)."""
        return self.filter(Q(pk=unit.pk) | Q(parent=unit.pk) | Q(parent__parent=unit.pk))

    def at_reporting_level(self, reporting_units: str):
        """Units that report a target whose ``reporting_units`` is the given value."""
        return self.filter(AdministrativeUnit.reporting_level_q(reporting_units))

    def for_scope(self, user, roles=None):
        """Units ``user`` may see: those of its memberships (with one of ``roles``, if
        given) and every unit below them. Superusers and plan administrators see all."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        unit_ids = memberships.values("unit")
        return self.filter(
            Q(pk__in=unit_ids) | Q(parent__in=unit_ids) | Q(parent__parent__in=unit_ids)
        )

    def of_member(self, user):
        """The units ``user`` holds a membership on (any role), district before commune."""
        return (
            self.filter(memberships__user=user.pk)
            .distinct()
            .order_by(
                models.Case(
                    models.When(level="city", then=0),
                    models.When(level="district", then=1),
                    default=2,
                ),
                "code",
            )
        )

    def reportable_by(self, user):
        """Units ``user`` may record entries for: its reporter scope, plus the city
        itself when a unit of that scope leads a city-wide target (the lead agency
        reports the city figure)."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        scope = AdministrativeUnit.objects.for_scope(user, roles=[Membership.Role.REPORTER])
        leads_city_target = Target.objects.filter(
            reporting_units=Target.ReportingUnits.CITY, responsible_unit__in=scope
        )
        return self.filter(
            Q(pk__in=scope.values("pk"))
            | (Q(level="city", kind="city") & Q(models.Exists(leads_city_target)))
        )

    def expected_counts(self, as_of: datetime.date):
        """Active units on ``as_of`` counted by (level, kind, parent id): one query.

        ``targets.progress`` turns these rows into the number of units expected to
        report a target, city-wide or inside one district.
        """
        return (
            self.active_on(as_of)
            .values("level", "kind", "parent")
            .annotate(units=models.Count("id"))
            .order_by()
        )


class AdministrativeUnitManager(models.Manager.from_queryset(AdministrativeUnitQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class AdministrativeUnit(LocalizedNameMixin, models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("Cấp thành phố")
        DISTRICT = "district", _("Cấp huyện")
        COMMUNE = "commune", _("Cấp xã")

    class Kind(models.TextChoices):
        CITY = "city", _("Thành phố")
        AGENCY = "agency", _("Sở, ban, ngành")
        QUAN = "quan", _("Quận")
        HUYEN = "huyen", _("Huyện")
        PHUONG = "phuong", _("Phường")
        XA = "xa", _("Xã")
        THI_TRAN = "thi_tran", _("Thị trấn")

    code = models.CharField(
        _("mã đơn vị"),
        max_length=20,
        unique=True,
        help_text=_("Mã đơn vị hành chính của Tổng cục Thống kê; sở, ngành dùng mã viết tắt."),
    )
    name = models.CharField(_("tên đơn vị"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level)
    kind = models.CharField(_("loại đơn vị"), max_length=10, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdministrativeUnitManager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="targets_administrativeunit_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(level="city", kind__in=["city", "agency"])
                | Q(level="district", kind__in=["quan", "huyen"])
                | Q(level="commune", kind__in=["phuong", "xa", "thi_tran"]),
                name="targets_administrativeunit_kind_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.get_kind_display()} {self.display_name}"

    def get_absolute_url(self):
        return reverse("targets:unit-detail", kwargs={"code": self.code})

    def natural_key(self):
        return (self.code,)

    @staticmethod
    def reporting_level_q(reporting_units: str, prefix: str = "") -> Q:
        """The Q that selects the units reporting at ``reporting_units``."""
        level, kind = REPORTING_LEVEL_KEYS[reporting_units]
        lookups = {"level": level, "kind": kind}
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items() if value})

    def reports_at(self, reporting_units: str) -> bool:
        """True when this unit reports targets whose ``reporting_units`` is the given value
        (the Python twin of ``reporting_level_q``)."""
        return {
            Target.ReportingUnits.CITY: self.level == self.Level.CITY
            and self.kind == self.Kind.CITY,
            Target.ReportingUnits.AGENCIES: self.kind == self.Kind.AGENCY,
            Target.ReportingUnits.DISTRICTS: self.level == self.Level.DISTRICT,
            Target.ReportingUnits.COMMUNES: self.level == self.Level.COMMUNE,
        }[reporting_units]

    @property
    def district(self):
        """The district this unit belongs to (itself for a district), else None."""
        if self.level == self.Level.DISTRICT:
            return self
        if self.level == self.Level.COMMUNE:
            return self.parent
        return None

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class TargetQuerySet(models.QuerySet):
    def with_relations(self):
        return self.select_related("plan", "pillar", "responsible_unit")

    def for_scope(self, user, roles=None):
        """Targets ``user`` works on (with one of ``roles``, if given): those reported at
        a level where a unit of its scope sits, and the city-wide targets a unit of its
        scope leads. Superusers and plan administrators see all. One query."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        scope = AdministrativeUnit.objects.for_scope(user, roles)
        present = set(scope.values_list("level", "kind").distinct())
        levels = [
            reporting_units
            for reporting_units, (level, kind) in REPORTING_LEVEL_KEYS.items()
            if any(
                (level is None or lv == level) and (kind is None or kd == kind)
                for lv, kd in present
            )
        ]
        return self.filter(
            Q(reporting_units__in=levels)
            | Q(reporting_units=Target.ReportingUnits.CITY, responsible_unit__in=scope)
        )


class TargetManager(models.Manager.from_queryset(TargetQuerySet)):
    def get_queryset(self):
        # A target's name shows its plan's year: always fetch the plan with it.
        return super().get_queryset().select_related("plan")

    def get_by_natural_key(self, plan_code, code):
        return self.get(plan__code=plan_code, code=code)


class Target(LocalizedNameMixin, models.Model):
    class Measure(models.TextChoices):
        RATIO = "ratio", _("Tỷ lệ (tử số / mẫu số)")
        PERCENT = "percent", _("Phần trăm (nhập trực tiếp)")
        COUNT = "count", _("Số lượng")
        GROWTH = "growth", _("Tăng trưởng (%)")
        RANK = "rank", _("Thứ hạng (càng nhỏ càng tốt)")
        MILESTONE = "milestone", _("Mốc hoàn thành (đạt / chưa đạt)")

    class Comparator(models.TextChoices):
        GTE = "gte", _("≥ (tối thiểu)")
        GT = "gt", _("> (trên)")
        LTE = "lte", _("≤ (tối đa)")
        LT = "lt", _("< (dưới)")
        EQ = "eq", _("= (bằng)")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Hằng tháng")
        QUARTERLY = "quarterly", _("Hằng quý")
        SEMIANNUAL = "semiannual", _("6 tháng")
        ANNUAL = "annual", _("Hằng năm")

    class ReportingUnits(models.TextChoices):
        CITY = "city", _("Thành phố (một số liệu chung)")
        AGENCIES = "agencies", _("Từng sở, ban, ngành")
        DISTRICTS = "districts", _("Từng quận, huyện")
        COMMUNES = "communes", _("Từng xã, phường, thị trấn")

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="targets"
    )
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("trụ cột"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("mã chỉ tiêu"), max_length=20)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    source_text = models.TextField(
        _("nguyên văn kế hoạch"), help_text=_("Câu chữ của văn bản kế hoạch, chép nguyên văn.")
    )
    measure = models.CharField(_("loại số liệu"), max_length=10, choices=Measure)
    comparator = models.CharField(
        _("so sánh"), max_length=3, choices=Comparator, default=Comparator.GTE
    )
    target_value = models.DecimalField(_("giá trị mục tiêu"), max_digits=18, decimal_places=4)
    baseline_value = models.DecimalField(
        _("giá trị cơ sở"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("ngày của giá trị cơ sở"), null=True, blank=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    frequency = models.CharField(_("kỳ báo cáo"), max_length=10, choices=Frequency)
    reporting_units = models.CharField(_("cấp báo cáo"), max_length=10, choices=ReportingUnits)
    numerator_label = models.CharField(_("tên tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("tên mẫu số"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_targets",
        limit_choices_to={"kind": "agency"},
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = TargetManager()
    history = HistoricalRecords(verbose_name=_("lịch sử chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "pillar__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_target_unique_code"),
            models.CheckConstraint(
                condition=~Q(measure="ratio") | Q(target_value__gte=0, target_value__lte=100),
                name="targets_target_ratio_within_100",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.display_name} ({self.plan.year})"

    def get_absolute_url(self):
        return reverse("targets:target-detail", kwargs={"plan": self.plan.code, "code": self.code})

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["targets.plan", "targets.pillar", "targets.administrativeunit"]

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in (self.Comparator.LTE, self.Comparator.LT)

    @property
    def is_percentage(self) -> bool:
        return self.measure in (self.Measure.RATIO, self.Measure.PERCENT, self.Measure.GROWTH)

    @property
    def rolls_up(self) -> bool:
        """Ratio and count targets reported by many units roll up; the rest do not."""
        return self.measure in (self.Measure.RATIO, self.Measure.COUNT)

    def period_ends(self) -> list[datetime.date]:
        """Every period end of this target inside its plan."""
        return periods.period_ends(self.frequency, self.plan.start_date, self.plan.end_date)

    def clean(self):
        errors = {}
        if (
            self.plan_id
            and self.deadline
            and not (self.plan.start_date <= self.deadline <= self.plan.end_date)
        ):
            errors["deadline"] = _("Hạn hoàn thành phải nằm trong thời gian của kế hoạch.")
        if self.measure == self.Measure.MILESTONE and self.target_value not in (None, 1):
            errors["target_value"] = _("Chỉ tiêu mốc hoàn thành có giá trị mục tiêu là 1 (đạt).")
        if self.measure in (self.Measure.PERCENT, self.Measure.RATIO) and (
            self.target_value is not None and not (0 <= self.target_value <= 100)
        ):
            errors["target_value"] = _("Tỷ lệ phần trăm phải nằm trong khoảng 0–100.")
        if self.measure == self.Measure.RATIO and not (
            self.numerator_label and self.denominator_label
        ):
            errors["denominator_label"] = _("Chỉ tiêu tỷ lệ cần tên tử số và mẫu số.")
        if errors:
            raise ValidationError(errors)


def current_period_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Entries of the latest period, of their target's frequency, ending on or before
    ``as_of``: the period whose reports completeness counts."""
    q = Q()
    for frequency in periods.PERIOD_END_MONTHS:
        q |= Q(
            **{
                f"{prefix}target__frequency": frequency,
                f"{prefix}period_end": periods.latest_period_end(frequency, as_of),
            }
        )
    return q


def _entry_scope_q(user, roles) -> Q:
    units = AdministrativeUnit.objects.for_scope(user, roles)
    return Q(unit__in=units) | Q(
        target__reporting_units=Target.ReportingUnits.CITY,
        unit__level=AdministrativeUnit.Level.CITY,
        unit__kind=AdministrativeUnit.Kind.CITY,
        target__responsible_unit__in=units,
    )


def _db_converter(expression, connection):
    """A function converting one raw cursor value of ``expression``'s output field as
    the ORM does (Decimal, date), None staying None."""
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


class EqualsAnyOf(models.lookups.Lookup):
    """``lhs = ANY(ARRAY(<subquery>))`` (PostgreSQL): the subquery runs once, and its
    values are looked up in the index of ``lhs``."""

    lookup_name = "equals_any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def reporting_level_match_sql() -> tuple[str, list]:
    """SQL matching a target ``t`` with the units ``u`` at its reporting level (see
    ``REPORTING_LEVEL_KEYS``), and its parameters."""
    sql = " OR ".join(
        "(t.reporting_units = %s"
        + "".join(
            f" AND u.{column} = %s" for column, value in (("level", lv), ("kind", kd)) if value
        )
        + ")"
        for lv, kd in REPORTING_LEVEL_KEYS.values()
    )
    params = []
    for reporting_units, (lv, kd) in REPORTING_LEVEL_KEYS.items():
        params += [reporting_units, *(value for value in (lv, kd) if value)]
    return sql, params


def latest_approved_ids_sql(target_ids: list[int], as_of: datetime.date) -> tuple[str, list]:
    """SQL (and its parameters) selecting, for each target of ``target_ids`` and each
    unit at its reporting level (active or not), the id of the unit's latest approved
    entry with ``period_end <= as_of`` (NULL when there is none).

    One probe of the partial index ``targets_entry_latest_approved`` (target, unit,
    period_end DESC) per pair: its cost follows the number of targets and units, not
    of entries. The same SQL runs on SQLite and PostgreSQL. Entries of a unit that is
    not at the target's reporting level (``ProgressEntry.clean`` refuses them) are not
    found this way.
    """
    entry = ProgressEntry._meta.db_table
    target = Target._meta.db_table
    unit = AdministrativeUnit._meta.db_table
    level_match, level_params = reporting_level_match_sql()
    placeholders = ", ".join(["%s"] * len(target_ids))
    sql = (
        f"SELECT (SELECT e.id FROM {entry} e WHERE e.target_id = t.id AND e.unit_id = u.id"
        f" AND e.status = %s AND e.period_end <= %s ORDER BY e.period_end DESC LIMIT 1)"
        f" FROM {target} t INNER JOIN {unit} u ON ({level_match})"
        f" WHERE t.id IN ({placeholders})"
    )
    return sql, [ProgressEntry.Status.APPROVED, as_of, *level_params, *target_ids]


class ProgressEntryQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ProgressEntry.Status.APPROVED)

    def within(self, unit):
        """Entries of ``unit`` and of every unit below it."""
        return self.filter(
            Q(unit=unit.pk) | Q(unit__parent=unit.pk) | Q(unit__parent__parent=unit.pk)
        )

    def for_scope(self, user, roles=None):
        """Entries ``user`` may see (with one of ``roles``, if given): those of the units
        of its scope (see ``AdministrativeUnit.for_scope``), and the city figure of the
        city-wide targets a unit of its scope leads."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        return self.filter(_entry_scope_q(user, roles))

    def for_admin(self, user):
        """Entries ``user`` works on in the admin: every entry in its reporter scope,
        and the entries past draft in its reviewer scope (drafts are the reporter's own
        work until submitted). Superusers and plan administrators see all."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        return self.filter(
            _entry_scope_q(user, [Membership.Role.REPORTER])
            | (
                _entry_scope_q(user, [Membership.Role.REVIEWER])
                & ~Q(status=ProgressEntry.Status.DRAFT)
            )
        )

    def latest_approved(self, as_of: datetime.date):
        """Each (target, unit)'s latest approved entry with ``period_end <= as_of``.

        One row per (target, unit) pair; only approved entries count. Chain further
        filters (a plan, a target, a set of units) before or after calling this.

        How (a hidden cost): when the queryset is already limited to some targets
        (``target=`` or ``target__in=`` a list), the latest entries are found with one
        index probe per (target, unit at the target's reporting level) on
        ``targets_entry_latest_approved``, whatever the number of older entries: see
        :func:`latest_approved_ids_sql`. Otherwise every approved entry is checked
        against a correlated subquery, which grows with the entries.
        """
        target_ids = self._filtered_target_ids()
        approved = self.filter(status=ProgressEntry.Status.APPROVED, period_end__lte=as_of)
        if target_ids is None:
            latest = (
                ProgressEntry.objects.filter(
                    target=models.OuterRef("target"),
                    unit=models.OuterRef("unit"),
                    status=ProgressEntry.Status.APPROVED,
                    period_end__lte=as_of,
                )
                .order_by("-period_end")
                .values("period_end")[:1]
            )
            return approved.filter(period_end=models.Subquery(latest))
        if not target_ids:
            return self.none()
        sql, params = latest_approved_ids_sql(sorted(target_ids), as_of)
        ids = RawSQL(sql, params, output_field=models.BigIntegerField())
        if connections[self.db].vendor == "postgresql":
            # ``id = ANY(ARRAY(...))``: the ids are computed once (an InitPlan), then
            # fetched by primary key; ``id IN (...)`` lets the planner hash-join the
            # probes against every entry of the targets instead.
            return approved.filter(EqualsAnyOf(models.F("pk"), ids))
        return approved.filter(pk__in=ids)

    def _filtered_target_ids(self) -> set[int] | None:
        """The target ids a top-level ``target=`` / ``target__in=`` filter of literal
        values limits this queryset to (the intersection of several), else None."""
        field = ProgressEntry._meta.get_field("target")
        found = None

        def visit(node):
            nonlocal found
            if node.connector != AND or node.negated:
                return
            for child in node.children:
                if isinstance(child, WhereNode):
                    visit(child)
                    continue
                lhs = getattr(child, "lhs", None)
                if getattr(lhs, "target", None) is not field:
                    continue
                if getattr(lhs, "alias", None) != self.query.base_table:
                    continue
                values = None
                if child.lookup_name == "exact":
                    values = [child.rhs]
                elif child.lookup_name == "in" and isinstance(child.rhs, (list, tuple, set)):
                    values = list(child.rhs)
                if values is None:
                    continue
                ids = {getattr(value, "pk", value) for value in values}
                if all(isinstance(pk, int) for pk in ids):
                    found = ids if found is None else found & ids

        visit(self.query.where)
        return found

    def rollup(self, as_of: datetime.date, *, by_district: bool = False, units=None):
        """Per target (and per district when ``by_district``), over each unit's latest
        approved entry on or before ``as_of``: Σ numerator, Σ denominator, Σ value, the
        single value when one unit reported, how many units have a figure, how many
        reported for the current period, and the newest period. ``units``: only the
        entries of these units (an AdministrativeUnit queryset).

        One query, one row per group (dicts), ordered by target (and district). Ratios
        are computed from the sums by ``targets.progress``, never as an average of
        percentages.

        How: on PostgreSQL, when the queryset is only limited to some targets, the
        aggregates are computed straight over one index probe per (target, unit at its
        reporting level) (:meth:`_rollup_by_probes`); otherwise over
        ``latest_approved``.
        """
        target_ids = self._filtered_target_ids()
        if (
            connections[self.db].vendor == "postgresql"
            and target_ids is not None
            and self._filters_only_targets()
        ):
            return self._rollup_by_probes(sorted(target_ids), as_of, by_district, units)
        qs = self if units is None else self.filter(unit__in=units)
        keys = ["target"]
        if by_district:
            # A commune's district is its parent; a district is its own.
            keys.append("district")
            qs = qs.latest_approved(as_of).annotate(
                district=models.Case(
                    models.When(unit__level="district", then=models.F("unit")),
                    default=models.F("unit__parent"),
                )
            )
        else:
            qs = qs.latest_approved(as_of)
        return (
            qs.values(*keys)
            .annotate(
                numerator_sum=models.Sum("numerator"),
                denominator_sum=models.Sum("denominator"),
                value_sum=models.Sum("value"),
                value_max=models.Max("value"),
                units_with_figure=models.Count("id"),
                units_current=models.Count("id", filter=current_period_q(as_of)),
                last_period=models.Max("period_end"),
            )
            .order_by(*keys)
        )

    def _filters_only_targets(self) -> bool:
        """True when every filter of this queryset is a ``target=`` / ``target__in=``
        one (what :meth:`_filtered_target_ids` reads)."""
        field = ProgressEntry._meta.get_field("target")
        where = self.query.where
        if where.connector != AND or where.negated or self.query.is_sliced or self.query.distinct:
            return False
        return all(
            getattr(getattr(child, "lhs", None), "target", None) is field
            and child.lookup_name in ("exact", "in")
            for child in where.children
        )

    def _rollup_by_probes(self, target_ids, as_of, by_district, units) -> list[dict]:
        """PostgreSQL: ``rollup`` as one pass over (target, unit) pairs, each unit's
        latest approved entry found by ``CROSS JOIN LATERAL (… LIMIT 1)`` on
        ``targets_entry_latest_approved``, whose included columns hold the figures: an
        index-only scan per pair, however many older entries the unit has."""
        if not target_ids:
            return []
        entry = ProgressEntry._meta.db_table
        level_match, params = reporting_level_match_sql()
        current = " ".join(
            f"WHEN '{frequency}' THEN %s::date" for frequency in periods.PERIOD_END_MONTHS
        )
        current_params = [periods.latest_period_end(f, as_of) for f in periods.PERIOD_END_MONTHS]
        keys = ["t.id"]
        columns = ["t.id AS target"]
        if by_district:
            keys.append("district")
            columns.append(
                "CASE WHEN u.level = 'district' THEN u.id ELSE u.parent_id END AS district"
            )
        unit_filter = ""
        unit_params = []
        if units is not None:
            unit_sql, unit_params = units.values("pk").query.sql_with_params()
            unit_filter = f" AND u.id IN ({unit_sql})"
        sql = (
            f"SELECT {', '.join(columns)}, SUM(l.numerator) AS numerator_sum,"
            " SUM(l.denominator) AS denominator_sum, SUM(l.value) AS value_sum,"
            " MAX(l.value) AS value_max, COUNT(*) AS units_with_figure,"
            f" COUNT(*) FILTER (WHERE l.period_end = CASE t.frequency {current} END)"
            " AS units_current, MAX(l.period_end) AS last_period"
            f" FROM {Target._meta.db_table} t"
            f" INNER JOIN {AdministrativeUnit._meta.db_table} u ON ({level_match})"
            " CROSS JOIN LATERAL (SELECT e.numerator, e.denominator, e.value, e.period_end"
            f" FROM {entry} e WHERE e.target_id = t.id AND e.unit_id = u.id"
            " AND e.status = %s AND e.period_end <= %s"
            " ORDER BY e.period_end DESC LIMIT 1) l"
            f" WHERE t.id IN ({', '.join(['%s'] * len(target_ids))}){unit_filter}"
            f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"
        )
        params = [
            *current_params,
            *params,
            ProgressEntry.Status.APPROVED,
            as_of,
            *target_ids,
            *unit_params,
        ]
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def rollup_changes_by_period(self, as_of: datetime.date):
        """Per target and period end P (``P <= as_of``), how the roll-up changes at P.

        Each approved entry replaces its unit's previous approved entry, so a roll-up at P
        is the running total, over period ends up to P, of each entry's change against the
        previous approved entry of the same (target, unit): Σ Δnumerator, Σ Δdenominator,
        Σ Δvalue, the number of units whose first figure arrives at P (``new_units``) and
        the number of approved entries at P (``reports``). ``targets.progress.figure_series``
        accumulates them. One query, one row per (target, period end) with entries (a
        list of dicts, ordered by target and period end).

        How: ``LAG()`` over each (target, unit)'s approved entries gives the previous
        figure in one pass over the target's entries; the ORM cannot aggregate over a
        window, so the grouping is a plain SQL wrapper around the ORM's query (the same
        SQL on SQLite and PostgreSQL). Assumes the queryset's filters keep or drop
        whole (target, unit) series, as ``target``/``unit``/``within`` filters do.
        """
        number = models.DecimalField(max_digits=18, decimal_places=4)
        window = {
            "partition_by": [models.F("target"), models.F("unit")],
            "order_by": models.F("period_end").asc(),
        }
        fields = ("numerator", "denominator", "value", "period_end")
        inner = (
            self.filter(status=ProgressEntry.Status.APPROVED, period_end__lte=as_of)
            .annotate(
                **{f"previous_{f}": models.Window(Lag(f), **window) for f in fields},
            )
            .values(
                entry_target=models.F("target"),
                entry_period=models.F("period_end"),
                entry_numerator=models.F("numerator"),
                entry_denominator=models.F("denominator"),
                entry_value=models.F("value"),
                **{f"entry_previous_{f}": models.F(f"previous_{f}") for f in fields},
            )
            .order_by()
        )
        connection = connections[self.db]
        try:
            sql, params = inner.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:
            return []
        changes = ", ".join(
            f"SUM(entry_{f} - COALESCE(entry_previous_{f}, 0))"
            for f in ("numerator", "denominator", "value")
        )
        grouped = (
            f"SELECT entry_target, entry_period, {changes},"
            " SUM(CASE WHEN entry_previous_period_end IS NULL THEN 1 ELSE 0 END), COUNT(*)"
            f" FROM ({sql}) changes GROUP BY entry_target, entry_period"
            " ORDER BY entry_target, entry_period"
        )
        with connection.cursor() as cursor:
            cursor.execute(grouped, params)
            rows = cursor.fetchall()
        # The cursor's raw values, converted as the ORM would (SQLite returns floats
        # and text dates).
        as_number = _db_converter(models.Value(Decimal(0), output_field=number), connection)
        as_date = _db_converter(models.Value(as_of, output_field=models.DateField()), connection)
        return [
            {
                "target": target_id,
                "period_end": as_date(period_end),
                "numerator_change": as_number(numerator),
                "denominator_change": as_number(denominator),
                "value_change": as_number(value),
                "new_units": new_units,
                "reports": reports,
            }
            for target_id, period_end, numerator, denominator, value, new_units, reports in rows
        ]

    # --- Reports and exports (targets.reports) ---

    def unit_figures(self, as_of: datetime.date):
        """Each (target, unit)'s latest approved figure on or before ``as_of`` as dicts:
        ``target``, ``unit`` (ids), ``value``, ``numerator``, ``denominator`` (in the
        target's unit), ``period_end``, ``approved_at``. One query."""
        return (
            self.latest_approved(as_of)
            .values(
                "target",
                "unit",
                "value",
                "numerator",
                "denominator",
                "period_end",
                "approved_at",
            )
            .order_by()
        )

    def current_period(self, as_of: datetime.date):
        """Entries, of any status, of the latest period of their target's frequency
        ending on or before ``as_of``: the period completeness counts."""
        return self.filter(current_period_q(as_of))

    def plan_entries(self, plan, *, as_of: datetime.date, within=None):
        """Entries of every status of ``plan``'s targets for periods ending on or before
        ``as_of``, inside ``within`` (a unit) when given: the raw-data export's rows."""
        entries = self.filter(target__plan=plan, period_end__lte=as_of)
        return entries.within(within) if within is not None else entries

    # Column order of ``raw_export_rows``; the CSV headers follow it.
    RAW_EXPORT_FIELDS = (
        "pk",
        "target__plan__code",
        "target__code",
        "target__name",
        "unit__code",
        "unit__name",
        "unit__level",
        "unit__parent__code",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "status",
        "note",
        "evidence_url",
        "review_note",
        "created_by__username",
        "created_at",
        "updated_by__username",
        "updated_at",
        "submitted_at",
        "approved_by__username",
        "approved_at",
        "version",
    )

    def raw_export_rows(self):
        """Every entry, whatever its status, as a tuple in ``RAW_EXPORT_FIELDS`` order:
        plan, target and unit codes and names, the figures as stored, the workflow state,
        and who recorded, last changed and approved it, when (aware datetimes).

        The decimals and datetimes arrive already as the raw CSV writes them (decimals
        without trailing zeros; datetimes ISO 8601 in the current time zone with its
        offset, to the second): on PostgreSQL every column is text (``COPY`` writes the
        CSV), on SQLite the decimals, and the datetimes when the time zone has had one
        offset since 1976 (Asia/Ho_Chi_Minh has); elsewhere they are aware datetimes.
        Parsing four timestamps per row in Python cost more than everything else the
        export does.

        One query: codes and usernames come through joins, never per-row lookups.
        In the order entries were recorded (by id: an index scan; sorting a million
        rows by plan, target and unit would cost more than writing them). Iterate with
        ``.iterator(chunk_size=...)`` to keep memory constant.
        """
        vendor = connections[self.db].vendor
        fields = []
        for name in self.RAW_EXPORT_FIELDS:
            own = name.isidentifier() and "__" not in name and name != "pk"
            text = own and export_text(ProgressEntry._meta.get_field(name), name, vendor)
            fields.append(text or name)
        return self.order_by("pk").values_list(*fields)


class ProgressEntry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")

    target = models.ForeignKey(
        Target, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="entries"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    period_end = models.DateField(
        _("kỳ báo cáo (ngày cuối kỳ)"),
        help_text=_("Ngày cuối cùng của kỳ báo cáo, ví dụ 31/12/2022 cho năm 2022."),
    )
    numerator = models.DecimalField(
        _("tử số"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("mẫu số"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    value = models.DecimalField(
        _("giá trị"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Theo đơn vị của chỉ tiêu. Với chỉ tiêu tỷ lệ, giá trị được tính tự động "
            "= 100 × tử số / mẫu số; với mốc hoàn thành, 1 là đạt, 0 là chưa đạt."
        ),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    evidence_url = models.URLField(_("đường dẫn minh chứng"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("tệp minh chứng"), upload_to="evidence/%Y/%m/", blank=True, max_length=300
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT)
    review_note = models.TextField(
        _("ý kiến người duyệt"),
        blank=True,
        help_text=_("Lý do trả lại hoặc mở lại số liệu; người báo cáo nhìn thấy ý kiến này."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa cuối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("thời điểm sửa cuối"), default=timezone.now)
    submitted_at = models.DateTimeField(_("thời điểm gửi duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại / mở lại"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("thời điểm trả lại / mở lại"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ProgressEntryQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("lịch sử số liệu"))

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["-period_end", "target__code", "unit__code"]
        permissions = [
            ("submit_progressentry", _("Có thể gửi duyệt số liệu báo cáo")),
            ("review_progressentry", _("Có thể duyệt, trả lại và mở lại số liệu báo cáo")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit", "period_end"],
                name="targets_progressentry_unique_period",
                violation_error_message=_(
                    "Đơn vị này đã có số liệu của chỉ tiêu này cho kỳ báo cáo này."
                ),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="targets_progressentry_numerator_not_negative",
                violation_error_message=_("Tử số không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="targets_progressentry_denominator_positive",
                violation_error_message=_("Mẫu số phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="targets_progressentry_numerator_within_denominator",
                violation_error_message=_("Tử số không được lớn hơn mẫu số."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="targets_progressentry_version_positive"
            ),
        ]
        indexes = [
            # The latest-approved lookup: one index probe per (target, unit). The id
            # is part of the key so that the probe never reads the table (PostgreSQL
            # index-only scan; SQLite keeps the rowid in every index anyway).
            # One probe finds a (target, unit)'s latest approved entry; on PostgreSQL
            # the included figures make the roll-up an index-only scan.
            models.Index(
                fields=["target", "unit", "-period_end", "id"],
                include=["numerator", "denominator", "value"],
                condition=Q(status="approved"),
                name="targets_entry_latest_approved",
            ),
            models.Index(fields=["status", "unit"], name="targets_entry_status_unit"),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit.display_name} · {date_format(self.period_end)}"

    # Errors, keyed by field, for figures the target cannot accept.
    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        target = self.target if self.target_id else None
        unit = self.unit if self.unit_id else None
        for field in ("numerator", "denominator", "value"):
            number = getattr(self, field)
            if number is not None and not number.is_finite():
                add(field, _("Số liệu phải là một số hữu hạn."))
        if errors:
            raise ValidationError(errors)
        if self.numerator is not None and self.numerator < 0:
            add("numerator", _("Tử số không được âm."))
        if self.denominator is not None and self.denominator <= 0:
            add("denominator", _("Mẫu số phải lớn hơn 0."))
        if target is None:
            if errors:
                raise ValidationError(errors)
            return

        measure = target.measure
        if measure == Target.Measure.RATIO:
            if self.numerator is None:
                add("numerator", _("Chỉ tiêu tỷ lệ cần nhập tử số."))
            if self.denominator is None:
                add("denominator", _("Chỉ tiêu tỷ lệ cần nhập mẫu số."))
            if (
                self.numerator is not None
                and self.denominator is not None
                and self.denominator > 0
                and self.numerator > self.denominator
            ):
                add(
                    "numerator",
                    _("Tử số (%(num)s) không được lớn hơn mẫu số (%(den)s).")
                    % {"num": plain_number(self.numerator), "den": plain_number(self.denominator)},
                )
            if not errors:
                self.value = (Decimal(100) * self.numerator / self.denominator).quantize(
                    Decimal("0.0001")
                )
        else:
            if self.numerator is not None or self.denominator is not None:
                add("numerator", _("Chỉ tiêu này nhập giá trị, không nhập tử số và mẫu số."))
            if self.value is None:
                add("value", _("Cần nhập giá trị."))
            elif measure != Target.Measure.GROWTH and self.value < 0:
                add("value", _("Số liệu không được âm."))
            elif measure == Target.Measure.MILESTONE and self.value not in (0, 1):
                add("value", _("Mốc hoàn thành chỉ nhận 1 (đạt) hoặc 0 (chưa đạt)."))
            elif measure == Target.Measure.PERCENT and not (0 <= self.value <= 100):
                add("value", _("Tỷ lệ phần trăm phải nằm trong khoảng 0–100."))
            elif measure == Target.Measure.RANK and self.value < 1:
                add("value", _("Thứ hạng phải từ 1 trở lên."))
            elif measure == Target.Measure.RANK and self.value != self.value.to_integral_value():
                add("value", _("Thứ hạng phải là số nguyên."))

        if self.period_end:
            if not periods.is_period_end(self.period_end, target.frequency):
                add(
                    "period_end",
                    _(
                        "Ngày %(day)s không phải ngày cuối của một kỳ báo cáo "
                        "%(frequency)s của chỉ tiêu này."
                    )
                    % {
                        "day": date_format(self.period_end, "SHORT_DATE_FORMAT"),
                        "frequency": target.get_frequency_display().lower(),
                    },
                )
            plan = target.plan
            if not (plan.start_date <= self.period_end <= plan.end_date):
                add(
                    "period_end",
                    _("Kỳ báo cáo phải nằm trong thời gian của kế hoạch (%(start)s – %(end)s).")
                    % {
                        "start": date_format(plan.start_date, "SHORT_DATE_FORMAT"),
                        "end": date_format(plan.end_date, "SHORT_DATE_FORMAT"),
                    },
                )
        if unit is not None:
            level_ok = AdministrativeUnit.objects.filter(
                AdministrativeUnit.reporting_level_q(target.reporting_units), pk=unit.pk
            ).exists()
            if not level_ok:
                add(
                    "unit",
                    _(
                        "Chỉ tiêu này do cấp “%(level)s” báo cáo; đơn vị %(unit)s không thuộc cấp đó."
                    )
                    % {"level": target.get_reporting_units_display(), "unit": unit.display_name},
                )
            elif self.period_end and not unit.is_active_on(self.period_end):
                add("unit", _("Đơn vị không còn hiệu lực vào kỳ báo cáo này."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Membership(models.Model):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("Người báo cáo")
        REVIEWER = "reviewer", _("Người duyệt")
        VIEWER = "viewer", _("Người xem")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role)

    history = HistoricalRecords(verbose_name=_("lịch sử phân quyền"))

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user__username", "unit__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="targets_membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit.display_name}"
