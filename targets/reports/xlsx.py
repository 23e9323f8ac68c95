"""The status report as an Excel workbook (openpyxl).

Sheets: a summary by pillar (counts per status, then each target against its target),
one sheet per reporting level with every unit's figures, the units that have not
reported for the current period, and how status is computed. Numbers are stored as
numbers with a number format (percentages as fractions formatted ``0.00%``), rounded as
on screen; header rows are frozen and data tables carry an auto-filter. Text cells
pass through ``targets.domain.formatting.safe_cell`` (no formula injection).
"""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from targets.domain.formatting import export_number, format_target, safe_cell, status_text
from targets.domain.models import Target
from targets.domain.status import STATUS_ORDER, Status
from targets.reports.data import (
    STATUS_FILLS,
    ReportData,
    expected_figure,
    progress_share,
    published_figures,
    unit_label,
)

HEADER_ROW = 4  # rows 1–2 title and subtitle; row 4 the column headers of every data sheet

SUMMARY_COUNT_HEADERS = [gettext_lazy("Trụ cột"), gettext_lazy("Số chỉ tiêu")]
SUMMARY_TARGET_HEADERS = [
    gettext_lazy("Trụ cột"),
    gettext_lazy("Mã"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Mục tiêu"),
    gettext_lazy("Giá trị mục tiêu"),
    gettext_lazy("Số liệu"),
    gettext_lazy("Mức kỳ vọng đến ngày báo cáo"),
    gettext_lazy("So với mục tiêu"),
    gettext_lazy("Tử số"),
    gettext_lazy("Mẫu số"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Đơn vị đã báo cáo kỳ này"),
    gettext_lazy("Đơn vị phải báo cáo"),
    gettext_lazy("Tỷ lệ báo cáo"),
    gettext_lazy("Kỳ báo cáo gần nhất"),
]
UNIT_HEADERS = [
    gettext_lazy("Mã chỉ tiêu"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Đơn vị cấp trên"),
    gettext_lazy("Số liệu"),
    gettext_lazy("Tử số"),
    gettext_lazy("Mẫu số"),
    gettext_lazy("Giá trị mục tiêu"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Kỳ báo cáo gần nhất"),
    gettext_lazy("Thời điểm duyệt"),
]
MISSING_HEADERS = [
    gettext_lazy("Mã chỉ tiêu"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Kỳ báo cáo"),
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Đơn vị cấp trên"),
    gettext_lazy("Tình trạng số liệu"),
]

PERCENT = "0.00%"  # as many decimals as targets.domain.formatting.PLACES
SHARE = "0%"
# Dates are stored as dates; only how Excel shows them follows the language.
DATE = pgettext_lazy("Excel number format of a date", "DD/MM/YYYY")
DATETIME = pgettext_lazy("Excel number format of a date and time", "DD/MM/YYYY HH:MM")
BOLD = Font(bold=True)
THIN = Side(style="thin", color="9E9E9E")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
WRAP = Alignment(wrap_text=True, vertical="top")


def export_report_xlsx(report: ReportData) -> bytes:
    """The workbook of ``report`` (see :func:`targets.reports.data.gather_report`), as bytes."""
    workbook = Workbook()
    _summary_sheet(workbook.active, report)
    for level in report.levels:
        _unit_sheet(workbook.create_sheet(), report, level)
    _missing_sheet(workbook.create_sheet(), report)
    if published_figures(report):
        _sources_sheet(workbook.create_sheet(), report)
    _method_sheet(workbook.create_sheet(), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def value_format(target: Target) -> str:
    """Number format of a figure of ``target`` (stored as a fraction when a percentage)."""
    if target.is_percentage:
        return "0.00%"
    if target.measure == Target.Measure.MILESTONE:
        done, not_done = _("Đạt"), _("Chưa đạt")
        return f'"{done}";"{done}";"{not_done}"'
    if target.measure == Target.Measure.RANK:
        return "0"
    return "#,##0"


def cell_number(target: Target, value: Decimal | None):
    """The number stored in a cell for a figure, rounded as on screen
    (``targets.domain.formatting.export_number``): a fraction for percentages."""
    if value is None:
        return None
    value = Decimal(export_number(value))
    return value / 100 if target.is_percentage else value


def _put(sheet, row, column, value, number_format=None, fill=None):
    cell = sheet.cell(row=row, column=column, value=safe_cell(value))
    cell.border = BORDER
    if number_format:
        cell.number_format = str(number_format)
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    return cell


def _title(sheet, report: ReportData, heading: str):
    sheet.sheet_view.showGridLines = True
    sheet.cell(row=1, column=1, value=safe_cell(heading)).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=safe_cell(report.subtitle)).font = Font(italic=True)


def _header(sheet, row, headers, fills=None):
    for column, header in enumerate(headers, start=1):
        cell = _put(sheet, row, column, str(header), fill=(fills or {}).get(column))
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        if not fills or column not in fills:
            cell.fill = HEADER_FILL


def _widths(sheet, widths):
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _status_cell(sheet, row, column, status, text=None):
    label = text or str(Status(status).label)
    return _put(sheet, row, column, label, fill=STATUS_FILLS[status])


def _summary_sheet(sheet, report: ReportData):
    sheet.title = _("Tổng hợp")
    _title(sheet, report, report.title)

    # Counts per pillar and status.
    row = HEADER_ROW
    headers = SUMMARY_COUNT_HEADERS + [status.label for status in STATUS_ORDER]
    fills = {3 + i: STATUS_FILLS[status] for i, status in enumerate(STATUS_ORDER)}
    _header(sheet, row, headers, fills)
    for section in report.sections:
        row += 1
        counts = section.counts
        _put(sheet, row, 1, f"{section.number}. {section.pillar.display_name}")
        _put(sheet, row, 2, len(section.figures), "0")
        for i, status in enumerate(STATUS_ORDER):
            _put(sheet, row, 3 + i, counts[status], "0")
    row += 1
    _put(sheet, row, 1, _("Tổng cộng")).font = BOLD
    _put(sheet, row, 2, len(report.figures), "0").font = BOLD
    for i, status in enumerate(STATUS_ORDER):
        total = sum(section.counts[status] for section in report.sections)
        _put(sheet, row, 3 + i, total, "0").font = BOLD

    # Each target against its target.
    row += 2
    targets_header = row
    _header(sheet, row, SUMMARY_TARGET_HEADERS)
    for section in report.sections:
        for figure in section.figures:
            target = figure.target
            row += 1
            number = value_format(target)
            share = progress_share(target, figure.value)
            completeness = figure.completeness
            _put(sheet, row, 1, f"{section.number}. {section.pillar.display_name}")
            _put(sheet, row, 2, target.code)
            _put(sheet, row, 3, target.display_name).alignment = WRAP
            _put(sheet, row, 4, format_target(target))
            _put(sheet, row, 5, cell_number(target, target.target_value), number)
            _put(sheet, row, 6, cell_number(target, figure.value), number)
            _put(sheet, row, 7, cell_number(target, expected_figure(figure)), number)
            _put(sheet, row, 8, share, SHARE)
            _put(sheet, row, 9, figure.numerator, "#,##0.##")
            _put(sheet, row, 10, figure.denominator, "#,##0.##")
            _status_cell(sheet, row, 11, figure.status, status_text(figure))
            _put(sheet, row, 12, figure.reported, "#,##0")
            _put(sheet, row, 13, figure.expected, "#,##0")
            completeness = None if completeness is None else Decimal(export_number(completeness))
            _put(sheet, row, 14, None if completeness is None else completeness / 100, PERCENT)
            _put(sheet, row, 15, figure.last_period, DATE)
    sheet.freeze_panes = sheet.cell(row=targets_header + 1, column=3)
    sheet.auto_filter.ref = f"A{targets_header}:{get_column_letter(15)}{max(row, targets_header)}"
    _widths(sheet, [30, 11, 48, 12, 12, 12, 14, 11, 14, 14, 16, 12, 12, 11, 13])


def _unit_sheet(sheet, report: ReportData, level):
    sheet.title = level.label
    _title(sheet, report, f"{report.title} — {level.label}")
    _header(sheet, HEADER_ROW, UNIT_HEADERS)
    row = HEADER_ROW
    for unit_row in level.rows:
        row += 1
        target, unit = unit_row.target, unit_row.unit
        number = value_format(target)
        parent = unit.parent if unit.parent_id and unit.level == "commune" else None
        approved_at = unit_row.approved_at
        if approved_at is not None:
            approved_at = timezone.localtime(approved_at).replace(tzinfo=None)
        _put(sheet, row, 1, target.code)
        _put(sheet, row, 2, target.display_name)
        _put(sheet, row, 3, unit.code)
        _put(sheet, row, 4, unit_label(unit))
        _put(sheet, row, 5, unit_label(parent) if parent else None)
        _put(sheet, row, 6, cell_number(target, unit_row.value), number)
        _put(sheet, row, 7, unit_row.numerator, "#,##0.##")
        _put(sheet, row, 8, unit_row.denominator, "#,##0.##")
        _put(sheet, row, 9, cell_number(target, target.target_value), number)
        _status_cell(sheet, row, 10, unit_row.status)
        _put(sheet, row, 11, unit_row.last_period, DATE)
        _put(sheet, row, 12, approved_at, DATETIME)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=5)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(UNIT_HEADERS))}{row}"
    _widths(sheet, [11, 40, 10, 30, 22, 12, 14, 14, 12, 16, 13, 16])


def _missing_sheet(sheet, report: ReportData):
    sheet.title = _("Chưa báo cáo")
    _title(sheet, report, _("Đơn vị chưa có số liệu được duyệt cho kỳ báo cáo gần nhất"))
    _header(sheet, HEADER_ROW, MISSING_HEADERS)
    row = HEADER_ROW
    for missing in report.missing:
        row += 1
        unit = missing.unit
        parent = unit.parent if unit.parent_id and unit.level == "commune" else None
        _put(sheet, row, 1, missing.target.code)
        _put(sheet, row, 2, missing.target.display_name)
        _put(sheet, row, 3, missing.period_end, DATE)
        _put(sheet, row, 4, unit.code)
        _put(sheet, row, 5, unit_label(unit))
        _put(sheet, row, 6, unit_label(parent) if parent else None)
        _put(sheet, row, 7, missing.entry_status_label)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(MISSING_HEADERS))}{row}"
    _widths(sheet, [11, 40, 12, 10, 30, 22, 18])


def _sources_sheet(sheet, report: ReportData):
    """Where the city's own figures come from: each approved figure's note and evidence
    link (``published_figures``), as the annex of the PDF and DOCX."""
    sheet.title = _("Nguồn số liệu")
    _title(sheet, report, _("Nguồn số liệu các chỉ tiêu cấp thành phố"))
    headers = [_("Mã"), _("Chỉ tiêu"), _("Số liệu"), _("Kỳ báo cáo"), _("Ghi chú"), _("Minh chứng")]
    _header(sheet, HEADER_ROW, headers)
    row = HEADER_ROW
    for figure in published_figures(report):
        row += 1
        target = figure.target
        _put(sheet, row, 1, target.code)
        _put(sheet, row, 2, target.display_name)
        _put(sheet, row, 3, cell_number(target, figure.value), value_format(target))
        _put(sheet, row, 4, figure.last_period, DATE)
        _put(sheet, row, 5, figure.note or _("Không ghi nguồn")).alignment = WRAP
        _put(sheet, row, 6, figure.evidence_url or None)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    _widths(sheet, [11, 40, 12, 12, 60, 40])


def _method_sheet(sheet, report: ReportData):
    sheet.title = _("Cách tính trạng thái")
    _title(sheet, report, _("Cách tính trạng thái"))
    plan = report.plan
    on_track, at_risk = report.cutoffs
    facts = [
        (_("Kế hoạch"), plan.display_name, None),
        (_("Văn bản"), plan.reference, None),
        (_("Phạm vi"), report.scope_label, None),
        (_("Số liệu đã duyệt đến ngày"), report.as_of, DATE),
        (_("Ngưỡng “đúng tiến độ” (r ≥)"), on_track, "0.00"),
        (_("Ngưỡng “có nguy cơ” (r ≥)"), at_risk, "0.00"),
    ]
    row = HEADER_ROW - 1
    for label, value, number in facts:
        row += 1
        _put(sheet, row, 1, label).font = BOLD
        _put(sheet, row, 2, value, number)
    row += 1
    for line in report.status_rule:
        row += 1
        sheet.cell(row=row, column=1, value=line).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = 15 * (1 + len(line) // 90)
    row += 1
    for status in STATUS_ORDER:
        row += 1
        _status_cell(sheet, row, 1, status)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW, column=1)
    _widths(sheet, [34, 80])
