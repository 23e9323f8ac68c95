"""The status report of a plan as of a date, gathered once for every format.

:func:`gather_report` reads everything the XLSX, PDF and CSV writers need in a fixed
number of queries (six, whatever the number of entries) and hands back a
:class:`ReportData`; the writers only lay it out. Figures come from
``targets.domain.progress.plan_figures`` and unit statuses from ``targets.domain.status``, so a report
shows exactly what the pages show for the same plan, date and scope.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.domain import formatting, periods
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.progress import Figure, plan_figures, status_counts
from targets.domain.status import Status, target_rule

# Cell fills (light, text stays black) and bar colours (strong) for each status.
STATUS_FILLS = {
    Status.ACHIEVED: "C8E6C9",
    Status.ON_TRACK: "DCEDC8",
    Status.AT_RISK: "FFF59D",
    Status.OFF_TRACK: "FFCC80",
    Status.MISSED: "EF9A9A",
    Status.PENDING: "BBDEFB",
    Status.NO_DATA: "E0E0E0",
}
STATUS_COLOURS = {
    Status.ACHIEVED: "2E7D32",
    Status.ON_TRACK: "7CB342",
    Status.AT_RISK: "F9A825",
    Status.OFF_TRACK: "EF6C00",
    Status.MISSED: "C62828",
    Status.PENDING: "1E88E5",
    Status.NO_DATA: "9E9E9E",
}

# Reporting levels in report order, with the label of their sheet / section.
LEVELS = [
    (Target.ReportingUnits.CITY, gettext_lazy("Cấp thành phố")),
    (Target.ReportingUnits.AGENCIES, gettext_lazy("Sở, ban, ngành")),
    (Target.ReportingUnits.DISTRICTS, gettext_lazy("Quận, huyện")),
    (Target.ReportingUnits.COMMUNES, gettext_lazy("Xã, phường, thị trấn")),
]

HUNDRED = Decimal(100)


@dataclass
class UnitRow:
    """One unit's latest approved figure for one target, and its status."""

    target: Target
    unit: AdministrativeUnit
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    last_period: datetime.date | None
    approved_at: datetime.datetime | None
    status: Status
    note: str = ""  # the entry's note and evidence link: where a figure comes from
    evidence_url: str = ""


def published_figures(report) -> list[UnitRow]:
    """The approved figures the city reports itself (the published results: DTI rank,
    KTS-01, 5G...), each with its note and evidence link: the sources of a report's
    figures, in the PDF and DOCX annex and the XLSX sheet alike."""
    return [
        row
        for sheet in report.levels
        if sheet.level == Target.ReportingUnits.CITY
        for row in sheet.rows
        if row.value is not None
    ]


@dataclass
class MissingRow:
    """A unit expected to report a target for ``period_end`` with no approved figure;
    ``entry_status`` is the state of its entry for that period, None when there is none."""

    target: Target
    period_end: datetime.date
    unit: AdministrativeUnit
    entry_status: str | None

    @property
    def entry_status_label(self) -> str:
        if self.entry_status is None:
            return _("Chưa nhập")
        return str(ProgressEntry.Status(self.entry_status).label)


@dataclass
class PillarSection:
    number: str  # I, II, III...
    pillar: object
    figures: list[Figure]

    @property
    def counts(self) -> dict[Status, int]:
        return status_counts(self.figures)


@dataclass
class LevelSheet:
    level: str
    label: str
    rows: list[UnitRow]


@dataclass
class ReportData:
    plan: Plan
    as_of: datetime.date
    within: AdministrativeUnit | None
    place: str
    figures: list[Figure]
    sections: list[PillarSection]
    levels: list[LevelSheet]
    missing: list[MissingRow]
    cutoffs: tuple[Decimal, Decimal] = field(
        default_factory=lambda: (
            Decimal(str(settings.TARGETS_STATUS_ON_TRACK)),
            Decimal(str(settings.TARGETS_STATUS_AT_RISK)),
        )
    )

    @property
    def title(self) -> str:
        """ "Báo cáo tình hình thực hiện Kế hoạch Chuyển đổi số ... năm 2022"."""
        return _("Báo cáo tình hình thực hiện %(plan)s") % {"plan": self.plan.display_name}

    @property
    def scope_label(self) -> str:
        if self.within is None or self.within.kind == AdministrativeUnit.Kind.CITY:
            return _("Toàn thành phố")
        return unit_label(self.within)

    @property
    def subtitle(self) -> str:
        return _("Số liệu đã duyệt đến ngày %(date)s · Phạm vi: %(scope)s") % {
            "date": formatting.date(self.as_of),
            "scope": self.scope_label,
        }

    @property
    def issuer(self) -> list[tuple[str, bool]]:
        """The issuing body, top left of the first page: (line, bold) pairs."""
        return issuer_lines(self.plan, self.within)

    @property
    def place_and_date(self) -> str:
        """ "Hải Phòng, ngày 31 tháng 12 năm 2022" for the as-of date (see
        :func:`targets.domain.formatting.place_and_date`)."""
        return formatting.place_and_date(self.place, self.as_of)

    def filename(self, extension: str) -> str:
        """``bao-cao-kh74-2022-2022-12-31.xlsx`` (see :func:`report_filename`)."""
        return report_filename(self.plan, self.as_of, self.within, extension)

    @property
    def status_rule(self) -> list[str]:
        """How status is computed (DESIGN.md "Status"), with the cut-offs in force."""
        on_track, at_risk = self.cutoffs
        return [
            _(
                "Chỉ số liệu đã duyệt được tính. Số liệu của một đơn vị tại ngày D là số liệu "
                "đã duyệt mới nhất có kỳ báo cáo kết thúc trước hoặc vào ngày D."
            ),
            _(
                "Chỉ tiêu tỷ lệ cộng dồn tử số và mẫu số của các đơn vị rồi mới chia "
                "(không lấy trung bình các tỷ lệ); chỉ tiêu số lượng cộng dồn."
            ),
            _("1. Chưa có số liệu đã duyệt → Chưa có số liệu."),
            _("2. Số liệu đạt mục tiêu theo phép so sánh của chỉ tiêu → Đã đạt."),
            _("3. Đã đến hạn hoàn thành mà chưa đạt → Không đạt."),
            _(
                "4. Mốc hoàn thành chưa đạt, hoặc chỉ tiêu “càng nhỏ càng tốt” không có giá "
                "trị cơ sở → Đang thực hiện."
            ),
            _(
                "5. Còn lại: mức kỳ vọng e = b + (t − b) × (D − d0) / (d1 − d0) (tỷ lệ thời "
                "gian trong khoảng 0–1), r = (x − b) / (e − b) (r = 1 khi e = b); "
                "r ≥ %(on_track)s → Đúng tiến độ; %(at_risk)s ≤ r < %(on_track)s → Có nguy cơ; "
                "r < %(at_risk)s → Chậm tiến độ."
            )
            % {"on_track": number_format(on_track, 2), "at_risk": number_format(at_risk, 2)},
            _(
                "Trong đó x là số liệu, t là mục tiêu, b là giá trị cơ sở (để trống thì bằng 0), "
                "d0 là ngày của giá trị cơ sở (để trống thì là ngày bắt đầu kế hoạch), d1 là "
                "hạn hoàn thành."
            ),
        ]


def report_filename(
    plan: Plan,
    as_of: datetime.date,
    within: AdministrativeUnit | None,
    extension: str,
    prefix: str = "bao-cao",
) -> str:
    """``bao-cao-kh74-2022-2022-12-31.xlsx``: prefix, plan, the unit's code for a unit's
    report (``bao-cao-kh74-2022-304-2022-12-31.pdf``), and the as-of date."""
    parts = [prefix, plan.code]
    if within is not None and within.kind != AdministrativeUnit.Kind.CITY:
        parts.append(within.code)
    parts.append(as_of.isoformat())
    return "-".join(parts) + "." + extension


def roman(number: int) -> str:
    """I, II, III, IV...: the numbering of a report's sections."""
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    result = ""
    for value, numeral in numerals:
        while number >= value:
            result += numeral
            number -= value
    return result


def unit_label(unit: AdministrativeUnit) -> str:
    """ "Quận Ngô Quyền", "Phường Máy Chai"; agencies and the city by their name."""
    if unit.kind in (AdministrativeUnit.Kind.AGENCY, AdministrativeUnit.Kind.CITY):
        return unit.display_name
    return f"{unit.get_kind_display()} {unit.display_name}"


def issuer_lines(plan: Plan, within: AdministrativeUnit | None) -> list[tuple[str, bool]]:
    """The issuing body in capitals: the plan's issuer for the city, the people's
    committee of a district or commune, or an agency under the plan's issuer."""
    committee = _("Ủy ban nhân dân")
    if within is None or within.kind == AdministrativeUnit.Kind.CITY:
        issued_by = plan.issued_by.strip()
        if issued_by.lower().replace("uỷ", "ủy").startswith(committee.lower()):
            rest = issued_by[len(committee) :].strip()
            return [(committee.upper(), True), (rest.upper(), True)]
        return [(issued_by.upper(), True)]
    if within.kind == AdministrativeUnit.Kind.AGENCY:
        return [(plan.issued_by.upper(), False), (within.display_name.upper(), True)]
    return [(committee.upper(), True), (unit_label(within).upper(), True)]


def progress_share(target: Target, value: Decimal | None) -> Decimal | None:
    """How far ``value`` has come toward ``target``, as a fraction (1 = target met):
    value / target, or target / value for "lower is better"; a milestone is 0 or 1."""
    if value is None:
        return None
    if target.measure == Target.Measure.MILESTONE:
        return Decimal(1) if value >= 1 else Decimal(0)
    if target.lower_is_better:
        return Decimal(1) if value <= 0 else Decimal(target.target_value) / Decimal(value)
    if not target.target_value:
        return None
    return Decimal(value) / Decimal(target.target_value)


def expected_applies(target: Target) -> bool:
    """False where the status rule compares with no expected figure (DESIGN.md step 4):
    milestones and "lower is better" targets without a baseline; exports leave it out."""
    if target.measure == Target.Measure.MILESTONE:
        return False
    return not (target.lower_is_better and target.baseline_value is None)


def expected_figure(figure) -> Decimal | None:
    """The figure expected by the date, where the status rule uses one."""
    return figure.expected_value if expected_applies(figure.target) else None


def gather_report(
    plan: Plan, *, as_of: datetime.date, within: AdministrativeUnit | None = None
) -> ReportData:
    """Everything the status report shows for ``plan`` as of ``as_of``, for the units
    inside ``within`` (default: the whole city). Six queries.

    For a unit's report only the targets its units report are kept (a district does
    not report the city-wide figures).
    """
    # 1 targets, 2 rollup, 3 expected units
    figures = plan_figures(plan.targets.all(), as_of, within=within)
    scoped = within is not None and within.kind != AdministrativeUnit.Kind.CITY
    if scoped:
        figures = [f for f in figures if f.expected]
    targets = [f.target for f in figures]

    # 4 active units in scope
    units = AdministrativeUnit.objects.active_on(as_of).select_related("parent")
    if within is not None:
        units = units.within(within)
    units_by_level = defaultdict(list)
    for unit in units.order_by("code"):
        for level, _label in LEVELS:
            if unit.reports_at(level):
                units_by_level[level].append(unit)

    entries = ProgressEntry.objects.filter(target__in=[t.pk for t in targets])
    if within is not None:
        entries = entries.within(within)
    # 5 each unit's latest approved figure, probing only the units in scope
    scope_units = None if within is None else AdministrativeUnit.objects.within(within)
    latest = {
        (row["target"], row["unit"]): row
        for row in ProgressEntry.objects.unit_figures(as_of, targets=targets, units=scope_units)
    }
    # 6 entries of the current period, any status (who has not reported, and why)
    current = {
        (target_id, unit_id): status
        for target_id, unit_id, status in entries.current_period(as_of)
        .order_by()
        .values_list("target", "unit", "status")
    }

    levels, missing = [], []
    for level, label in LEVELS:
        rows = []
        for target in (t for t in targets if t.reporting_units == level):
            period_end = periods.latest_period_end(target.frequency, as_of)
            rule = target_rule(target, as_of)  # once per target, applied per unit
            for unit in units_by_level[level]:
                row = latest.get((target.pk, unit.pk)) or {}
                value = row.get("value")
                rows.append(
                    UnitRow(
                        target=target,
                        unit=unit,
                        value=value,
                        numerator=row.get("numerator"),
                        denominator=row.get("denominator"),
                        last_period=row.get("period_end"),
                        approved_at=row.get("approved_at"),
                        status=rule(value),
                        note=row.get("note") or "",
                        evidence_url=row.get("evidence_url") or "",
                    )
                )
                entry_status = current.get((target.pk, unit.pk))
                if entry_status != ProgressEntry.Status.APPROVED:
                    missing.append(MissingRow(target, period_end, unit, entry_status))
        if rows or not scoped:
            levels.append(LevelSheet(level=level, label=str(label), rows=rows))

    # Units not reporting, in the report's target order.
    position = {target.pk: index for index, target in enumerate(targets)}
    missing.sort(key=lambda row: position[row.target.pk])

    sections = []
    for pillar_figures in _group_by_pillar(figures):
        number = roman(len(sections) + 1)
        sections.append(PillarSection(number, pillar_figures[0].target.pillar, pillar_figures))

    # Place name (Nghị định 30/2020): a district's or commune's own name, else the city's.
    if within is not None and within.level != AdministrativeUnit.Level.CITY:
        place = within.display_name
    else:
        city = next(iter(units_by_level[Target.ReportingUnits.CITY]), None)
        place = city.display_name if city else _root_name(within)
    return ReportData(
        plan=plan,
        as_of=as_of,
        within=within,
        place=place,
        figures=figures,
        sections=sections,
        levels=levels,
        missing=missing,
    )


def _group_by_pillar(figures):
    groups = {}
    for figure in figures:
        groups.setdefault(figure.target.pillar_id, []).append(figure)
    return sorted(
        groups.values(), key=lambda g: (g[0].target.pillar.order, g[0].target.pillar.code)
    )


def _root_name(within: AdministrativeUnit | None) -> str:
    """The city's name from a unit's ancestors (loaded by ``select_related``)."""
    unit = within
    while unit is not None and unit.parent_id is not None:
        unit = unit.parent
    return unit.display_name if unit is not None else ""
