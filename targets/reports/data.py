"""The status report of a plan as of a date, gathered once for every format.

:func:`gather_report` reads everything the XLSX, PDF and CSV writers need in a fixed
number of queries (six, whatever the number of entries) and hands back a
:class:`ReportData`; the writers only lay it out. Figures come from
``targets.domain.progress.plan_figures`` and unit statuses from ``targets.domain.status``, so a report
shows exactly what the pages show for the same plan, date and scope.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.domain import formatting
from targets.domain.completeness import EntryState, report_figures
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.progress import Figure, figure_value, status_counts, target_dues
from targets.domain.scope import Scope
from targets.domain.status import Status, target_rule
from targets.domain.tree import Units
from targets.pages.builders.targets import target_rows

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
    inside ``within`` (default: the whole city): the target table's figures
    (``targets.pages.builders.targets.target_rows``, the page's own builder), every
    expected unit's latest approved figure with its source, and the reports not approved
    (``targets.domain.completeness.report_figures``, the one reading of the reporting
    state). A fixed number of queries.

    For a unit's report only the targets its units report are kept (a district does
    not report the city-wide figures): the target table's rule (``progress.scoped``).
    """
    units = Units.load()
    root = within or units.city()
    figures = target_rows(plan, as_of, Scope.of_unit(root))
    targets = [f.target for f in figures]
    scoped = root.kind != AdministrativeUnit.Kind.CITY
    dues = target_dues(targets, as_of, units)
    expected = {
        t.pk: units.at_level(t.reporting_units, dues[t.pk].period_end, root) for t in targets
    }
    unit_ids = sorted({unit.pk for found in expected.values() for unit in found})
    latest = {
        (row["target"], row["unit"]): row
        for row in ProgressEntry.objects.unit_figures(as_of, targets=targets, units=unit_ids)
    }
    rules = {target.pk: target_rule(target, as_of) for target in targets}
    levels = []
    for level, label in LEVELS:
        rows = [
            _unit_row(target, unit, latest.get((target.pk, unit.pk)) or {}, rules[target.pk])
            for target in targets
            if target.reporting_units == level
            for unit in expected[target.pk]
        ]
        if rows or not scoped:
            levels.append(LevelSheet(level=level, label=str(label), rows=rows))
    missing = [
        MissingRow(
            report.target,
            report.period_due,
            report.unit,
            None if report.state == EntryState.NOT_ENTERED else str(report.state),
        )
        for report in report_figures(targets, as_of, root, units=units)
        if report.state != EntryState.APPROVED
    ]
    position = {target.pk: index for index, target in enumerate(targets)}
    missing.sort(key=lambda row: (position[row.target.pk], row.unit.code))
    sections = [
        PillarSection(roman(number), group[0].target.pillar, group)
        for number, group in enumerate(_group_by_pillar(figures), start=1)
    ]
    # Place name (Nghị định 30/2020): a district's or commune's own name, else the city's.
    place = root.display_name if root.level != AdministrativeUnit.Level.CITY else None
    city = units.city()
    return ReportData(
        plan=plan,
        as_of=as_of,
        within=within,
        place=place or (city.display_name if city else root.display_name),
        figures=figures,
        sections=sections,
        levels=levels,
        missing=missing,
    )


def _unit_row(target, unit, row: dict, rule) -> UnitRow:
    """One unit's latest approved figure of ``target`` (``row``: its entry's values,
    empty when it has none), with its status and source."""
    value = figure_value(target, row.get("numerator"), row.get("denominator"), row.get("value"))
    return UnitRow(
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


def _group_by_pillar(figures):
    groups = {}
    for figure in figures:
        groups.setdefault(figure.target.pillar_id, []).append(figure)
    return sorted(
        groups.values(), key=lambda g: (g[0].target.pillar.order, g[0].target.pillar.code)
    )
