"""The XLSX template a reporter downloads, fills and uploads again.

Sheet "Số liệu" (the first, the one the importer reads): one row per (target, unit)
the reporter may report for one period end of one plan, with codes and names filled
in and the figure cells empty, or holding the figures of an existing draft or
returned entry (so the reporter sees and corrects them; rows left as they are import
as "unchanged"). Entries already submitted or approved are left out: they cannot be
changed by an import. Sheet "Hướng dẫn" explains every column in Vietnamese.
"""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from targets.domain import periods, scope
from targets.domain.formatting import safe_cell
from targets.domain.models import ProgressEntry, Target
from targets.entry.importing import columns

EDITABLE = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor="D9E1F2")
WIDTHS = {
    columns.PLAN: 14,
    columns.TARGET: 12,
    columns.TARGET_NAME: 60,
    columns.MEASURE: 24,
    columns.UNIT: 11,
    columns.UNIT_NAME: 30,
    columns.PERIOD: 14,
    columns.NUMERATOR: 14,
    columns.DENOMINATOR: 14,
    columns.VALUE: 12,
    columns.NOTE: 40,
    columns.STATUS: 18,
}
FIGURE_FORMAT = "#,##0.####"


def template_file_name(plan, period_end: datetime.date) -> str:
    return f"mau-nhap-so-lieu-{plan.code}-{period_end.isoformat()}.xlsx"


def template_rows(*, user, plan, period_end: datetime.date):
    """(target, unit, entry or None) for every target of ``plan`` with a period ending
    on ``period_end`` and every active unit at its reporting level that ``user`` may
    report, except those whose entry is already submitted or approved. Three queries."""
    if not (plan.start_date <= period_end <= plan.end_date):
        return []
    targets = [
        target
        for target in scope.reportable_targets(user)
        .filter(plan=plan)
        .select_related("plan")
        .order_by("pillar__order", "order", "code")
        if periods.is_period_end(period_end, target.frequency)
    ]
    units = list(
        scope.reportable_units(user).active_on(period_end).select_related("parent").order_by("code")
    )
    entries = {
        (entry.target_id, entry.unit_id): entry
        for entry in ProgressEntry.objects.filter(target__in=targets, period_end=period_end)
    }
    rows = []
    for target in targets:
        for unit in units:
            if not (
                unit.reports_at(target.reporting_units) and scope.may_report(user, target, unit)
            ):
                continue
            entry = entries.get((target.pk, unit.pk))
            if entry is not None and not entry.is_editable:
                continue
            rows.append((target, unit, entry))
    return rows


def _number(value):
    return None if value is None else float(value) if value != int(value) else int(value)


def build_template(*, user, plan, period_end: datetime.date) -> bytes:
    """The template workbook as XLSX bytes (see the module docstring)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Số liệu")
    sheet.append(list(columns.TEMPLATE))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    editable = {columns.TEMPLATE.index(name) for name in (*columns.FIGURES, columns.NOTE)}
    for target, unit, entry in template_rows(user=user, plan=plan, period_end=period_end):
        row = [
            plan.code,
            target.code,
            target.name,
            target.get_measure_display(),
            unit.code,
            unit.name,
            period_end,
            _number(entry.numerator) if entry else None,
            _number(entry.denominator) if entry else None,
            # A ratio's value is computed from its parts: left empty.
            _number(entry.value) if entry and target.measure != Target.Measure.RATIO else None,
            entry.note if entry else None,
            entry.get_status_display() if entry else _("Chưa có"),
        ]
        # Text a spreadsheet would run as a formula gets a quote; the importer takes
        # it off again (``targets.domain.formatting.unquote_cell``).
        sheet.append([safe_cell(value) for value in row])
        row = sheet.max_row
        for index, cell in enumerate(sheet[row]):
            if index in editable:
                cell.fill = EDITABLE
        sheet.cell(row, columns.TEMPLATE.index(columns.PERIOD) + 1).number_format = "DD/MM/YYYY"
        for name in (columns.UNIT, columns.TARGET, columns.PLAN):
            sheet.cell(row, columns.TEMPLATE.index(name) + 1).number_format = "@"
        for name in columns.FIGURES:
            sheet.cell(row, columns.TEMPLATE.index(name) + 1).number_format = FIGURE_FORMAT
    for index, name in enumerate(columns.TEMPLATE, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = WIDTHS[name]
    sheet.freeze_panes = "H2"
    _help_sheet(book.create_sheet(_("Hướng dẫn")), plan, period_end)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_help() -> list[tuple[str, str]]:
    """(column, what to put in it), in the template's order."""
    return [
        (columns.PLAN, _("Mã kế hoạch (đã điền sẵn). Không sửa.")),
        (columns.TARGET, _("Mã chỉ tiêu trong kế hoạch (đã điền sẵn). Không sửa.")),
        (columns.TARGET_NAME, _("Tên chỉ tiêu, để đối chiếu. Phần mềm không đọc cột này.")),
        (
            columns.MEASURE,
            _("Loại số liệu của chỉ tiêu, để biết cần nhập cột nào. Phần mềm không đọc cột này."),
        ),
        (
            columns.UNIT,
            _(
                "Mã đơn vị (mã của Tổng cục Thống kê; sở, ngành dùng mã viết tắt), đã điền "
                "sẵn. Phần mềm nhận diện đơn vị theo mã, không theo tên."
            ),
        ),
        (columns.UNIT_NAME, _("Tên đơn vị, để đối chiếu. Phần mềm không đọc cột này.")),
        (
            columns.PERIOD,
            _(
                "Ngày cuối của kỳ báo cáo, dạng dd/mm/yyyy (ví dụ 31/12/2022). Phải là "
                "ngày cuối của một kỳ theo tần suất của chỉ tiêu (tháng, quý, 6 tháng, năm)."
            ),
        ),
        (
            columns.NUMERATOR,
            _(
                "Chỉ tiêu tỷ lệ: tử số, ví dụ số hồ sơ xử lý trực tuyến. Không âm, không lớn "
                "hơn mẫu số. Các chỉ tiêu khác: để trống."
            ),
        ),
        (
            columns.DENOMINATOR,
            _(
                "Chỉ tiêu tỷ lệ: mẫu số, ví dụ tổng số hồ sơ. Phải lớn hơn 0. Các chỉ tiêu "
                "khác: để trống."
            ),
        ),
        (
            columns.VALUE,
            _(
                "Chỉ tiêu tỷ lệ: để trống, phần mềm tự tính = 100 × tử số / mẫu số. Chỉ tiêu "
                "phần trăm: từ 0 đến 100. Mốc hoàn thành: 1 là đạt, 0 là chưa đạt. Thứ hạng: "
                "số nguyên từ 1. Số lượng: không âm. Tăng trưởng: có thể âm."
            ),
        ),
        (columns.NOTE, _("Ghi chú, nguồn số liệu (không bắt buộc).")),
        (
            columns.STATUS,
            _(
                "Trạng thái của số liệu đang có trong phần mềm (“Chưa có”, “Nháp”, “Bị trả "
                "lại”). Phần mềm không đọc cột này."
            ),
        ),
    ]


def _help_sheet(sheet, plan, period_end):
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100
    lines = [
        (_("Mẫu nhập số liệu"), f"{plan.code} · {plan.name} · {period_end:%d/%m/%Y}"),
        (
            _("Cách dùng"),
            _(
                "Điền các ô màu vàng ở trang “Số liệu”, lưu tệp (.xlsx, hoặc CSV UTF-8), rồi "
                "tải lên ở trang Số liệu báo cáo → “Nhập từ tệp”. Phần mềm cho xem trước "
                "các dòng sẽ tạo mới, cập nhật, không đổi và mọi lỗi; chỉ khi bạn xác nhận "
                "mới lưu, và lưu tất cả hoặc không lưu dòng nào."
            ),
        ),
        (
            _("Số"),
            _(
                "Dùng dấu phẩy cho phần thập phân và dấu chấm ngăn cách hàng nghìn "
                "(91,8; 1.234,5; 2.000 là hai nghìn). Dấu chấm thập phân cũng được nhận "
                "khi không thể là dấu ngăn cách hàng nghìn (91.8; 0.125)."
            ),
        ),
        (
            _("Dòng để trống"),
            _(
                "Dòng không có tử số, mẫu số, giá trị và ghi chú được bỏ qua. Không xoá "
                "được số liệu bằng tệp: hãy sửa trong trang số liệu."
            ),
        ),
        (
            _("Không có trong mẫu"),
            _(
                "Số liệu đã gửi duyệt hoặc đã duyệt không có trong mẫu và không sửa được "
                "bằng tệp; số liệu đã duyệt cần người duyệt mở lại."
            ),
        ),
        ("", ""),
        (_("Cột"), _("Cách điền")),
        *column_help(),
    ]
    for title, text in lines:
        sheet.append([title, text])
    for row in sheet.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
