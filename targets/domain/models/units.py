"""The tree of administrative units: the city, its agencies, districts and communes."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.domain.models.base import LocalizedNameMixin

# The reporting-level mapping, written once: (level, kind) of the units that report a
# target, by its ``reporting_units`` (None: any). The city figure is reported for the
# city unit itself. ``reporting_level_q`` (the ORM), ``reporting_level_sql`` (raw SQL)
# and ``level_reports`` (Python) all read it.
REPORTING_LEVEL_KEYS = {
    "city": ("city", "city"),
    "agencies": (None, "agency"),
    "districts": ("district", None),
    "communes": ("commune", None),
}


def level_reports(reporting_units: str, level: str, kind: str) -> bool:
    """Whether a unit of ``level`` and ``kind`` reports targets at ``reporting_units``."""
    wanted_level, wanted_kind = REPORTING_LEVEL_KEYS[reporting_units]
    return wanted_level in (None, level) and wanted_kind in (None, kind)


def reporting_level_sql(target: str = "t", unit: str = "u") -> tuple[str, list]:
    """SQL matching a target (alias ``target``) with the units (alias ``unit``) at its
    reporting level, and its parameters."""
    parts, params = [], []
    for reporting_units, (level, kind) in REPORTING_LEVEL_KEYS.items():
        sql = f"({target}.reporting_units = %s"
        params.append(reporting_units)
        for column, value in (("level", level), ("kind", kind)):
            if value:
                sql += f" AND {unit}.{column} = %s"
                params.append(value)
        parts.append(sql + ")")
    return " OR ".join(parts), params


def at_or_below_q(units, prefix: str = "") -> Q:
    """The tree's one descent rule: the units ``units`` (ids, or a queryset of ids) and
    every unit below them (the tree is at most three deep: city, district, commune).
    ``prefix`` "unit__" applies it to an entry's unit. Its Python twin is
    :attr:`AdministrativeUnit.line_ids`."""
    return (
        Q(**{f"{prefix}pk__in": units})
        | Q(**{f"{prefix}parent__in": units})
        | Q(**{f"{prefix}parent__parent__in": units})
    )


class AdministrativeUnitQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Units that exist on ``day`` (``valid_from <= day <= valid_to``)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def overlapping(self, start: datetime.date, end: datetime.date):
        """Units that exist on some day between ``start`` and ``end``."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        )

    def within(self, unit):
        """``unit`` itself and every unit below it (:func:`at_or_below_q`)."""
        return self.filter(at_or_below_q([unit.pk]))

    def at_reporting_level(self, reporting_units: str):
        """Units that report a target whose ``reporting_units`` is the given value."""
        return self.filter(AdministrativeUnit.reporting_level_q(reporting_units))

    def expected_counts(self, as_of: datetime.date):
        """Active units on ``as_of`` counted by (level, kind, parent id): one query.

        ``targets.domain.progress`` turns these rows into the number of units expected to
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
    # Moving a unit to another parent changes who reviews its entries: kept with the
    # old value, who and when.
    history = HistoricalRecords(verbose_name=_("lịch sử đơn vị"))

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
        return level_reports(reporting_units, self.level, self.kind)

    @property
    def line_ids(self) -> set[int]:
        """Ids of this unit and of every unit above it (its parent loaded, and the
        parent's): the Python twin of :func:`at_or_below_q`, for one unit."""
        line = {self.pk, self.parent_id}
        if self.parent_id is not None:
            line.add(self.parent.parent_id)
        return line - {None}

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
