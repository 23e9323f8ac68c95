"""Bulk import (issue 6): the template, the preview, every error with its row and
column, all-or-nothing storage, scope and lock, CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from targets.domain.formatting import parse_number
from targets.domain.models import AdministrativeUnit, ProgressEntry
from targets.domain.periods import period_ends
from targets.entry.importing import FileError, columns, read_dataset
from targets.entry.importing.run import entries_import
from targets.entry.importing.template import build_template, template_rows

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)
DEC = datetime.date(2022, 12, 31)
HEADERS = list(columns.IMPORTED)


def xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows, headers=HEADERS, *, bom=False, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def run(content, user, *, name="so-lieu.xlsx", dry_run=True, submit=False):
    return entries_import(
        dataset=read_dataset(content, name),
        file_name=name,
        user=user,
        dry_run=dry_run,
        submit=submit,
    )


def errors_of(report):
    return [(error.row, error.column, error.message) for error in report.errors]


def ratio_row(unit_code, numerator, denominator, *, target="CQS-03c", day="30/11/2022"):
    return ("kh74-2022", target, unit_code, day, numerator, denominator, "", "")


# --- Numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("1.234,5", Decimal("1234.5")),
        ("91,8", Decimal("91.8")),
        ("91.8", Decimal("91.8")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("2.000", Decimal(2000)),
        ("0.125", Decimal("0.125")),
        ("91.80", Decimal("91.80")),
        ("1,234", Decimal("1.234")),
        (" 12 345,67 ", Decimal("12345.67")),
        ("45%", Decimal(45)),
        ("-3,5", Decimal("-3.5")),
        (91.8, Decimal("91.8")),
        (7, Decimal(7)),
        ("", None),
        (None, None),
    ],
)
def test_numbers_read_as_vietnamese_excel_writes_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23.4", "12,34.5,6", "NaN", "inf", "1e5"])
def test_not_a_number_is_refused_with_a_message(text):
    with pytest.raises(ValueError, match="không phải là một số"):
        parse_number(text)


# --- Round trip --------------------------------------------------------------------


def fill_template(content: bytes, figures: dict) -> bytes:
    """Fill the template's rows: ``figures[(target, unit)] = {column: value}``."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    at = {name: header.index(name) for name in header}
    for row in sheet.iter_rows(min_row=2):
        key = (row[at[columns.TARGET]].value, row[at[columns.UNIT]].value)
        for column, value in figures.get(key, {}).items():
            row[at[column]].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_lists_what_the_reporter_may_report(cast, plan, make_entry, target, unit):
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2)  # approved
    make_entry(target("CQS-03c"), unit("11332"), NOV, numerator=1, denominator=4, status=S.DRAFT)
    rows = template_rows(user=cast.reporter, plan=plan, period_end=NOV)
    pairs = {(t.code, u.code) for t, u, _e in rows}
    communes = {u.code for u in unit("304").children.all()}
    # A monthly period end: the district's own CQS-03b and its wards' CQS-03c; not the
    # quarterly or city-wide targets, not other districts, not the approved entry.
    assert pairs == {("CQS-03b", "304")} | {("CQS-03c", c) for c in communes - {"11329"}}
    book = openpyxl.load_workbook(
        io.BytesIO(build_template(user=cast.reporter, plan=plan, period_end=NOV))
    )
    data, help_sheet = book.worksheets
    assert [cell.value for cell in data[1]] == list(columns.TEMPLATE)
    assert data.max_row == 1 + len(rows)
    draft = next(r for r in data.iter_rows(min_row=2, values_only=True) if r[4] == "11332")
    assert draft[7:10] == (1, 4, None)  # the draft's figures, the ratio's value left empty
    assert draft[11] == "Nháp"
    explained = {row[0] for row in help_sheet.iter_rows(values_only=True)}
    assert set(columns.TEMPLATE) <= explained


def test_template_of_the_lead_agency_has_the_city_figures(cast, plan):
    rows = template_rows(user=cast.agency_reporter, plan=plan, period_end=DEC)
    pairs = {(t.code, u.code) for t, u, _e in rows}
    assert ("KTS-01", "31") in pairs and ("CQS-03a", "STTTT") in pairs
    assert not any(u.level == "commune" for _t, u, _e in rows)


def test_round_trip_template_filled_imported_equals_the_file(cast, plan, unit, target):
    user = cast.reporter
    template = build_template(user=user, plan=plan, period_end=NOV)
    communes = sorted(u.code for u in unit("304").children.all())
    figures = {("CQS-03b", "304"): {columns.NUMERATOR: 918, columns.DENOMINATOR: 1000}}
    for i, code in enumerate(communes):
        figures[("CQS-03c", code)] = {
            columns.NUMERATOR: 10 + i,
            columns.DENOMINATOR: 40,
            columns.NOTE: f"Nguồn: UBND {code}",
        }
    filled = fill_template(template, figures)

    preview = run(filled, user, name="ngo-quyen-11-2022.xlsx")
    assert preview.ok, errors_of(preview)
    assert (preview.new, preview.update, preview.unchanged) == (len(figures), 0, 0)
    assert not ProgressEntry.objects.exists()

    done = run(filled, user, name="ngo-quyen-11-2022.xlsx", dry_run=False, submit=True)
    assert done.stored and done.new == len(figures)
    stored = {
        (e.target.code, e.unit.code): e
        for e in ProgressEntry.objects.select_related("target", "unit", "created_by")
    }
    assert stored.keys() == figures.keys()
    for key, cells in figures.items():
        entry = stored[key]
        assert entry.period_end == NOV
        assert entry.numerator == cells[columns.NUMERATOR]
        assert entry.denominator == cells[columns.DENOMINATOR]
        expected = Decimal(100) * cells[columns.NUMERATOR] / cells[columns.DENOMINATOR]
        assert entry.value == expected.quantize(Decimal("0.0001"))
        assert entry.note == cells.get(columns.NOTE, "")
        assert entry.status == S.SUBMITTED
        assert entry.created_by == user and entry.updated_by == user
        reasons = list(
            entry.history.order_by("history_id").values_list(
                "history_change_reason", "history_user"
            )
        )
        assert reasons == [("Nhập từ tệp và gửi duyệt (import): ngo-quyen-11-2022.xlsx", user.pk)]
        assert entry.submitted_at is not None and entry.version == 1

    # The same file again: every row is now submitted, so none may change.
    again = run(filled, user, name="ngo-quyen-11-2022.xlsx")
    assert len(again.errors) == len(figures)
    assert {e.column for e in again.errors} == {columns.STATUS}


def test_updates_drafts_and_skips_unchanged_rows(cast, make_entry, target, unit, plan):
    user = cast.commune_reporter
    entry = make_entry(
        target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=4, status=S.DRAFT, user=user
    )
    other = make_entry(
        target("CQS-03c"),
        unit("11329"),
        DEC,
        numerator=1,
        denominator=4,
        status=S.RETURNED,
        user=user,
    )
    content = xlsx([ratio_row("11329", "2", "4"), ratio_row("11329", 1, 4, day=DEC)])
    done = run(content, user, dry_run=False)
    assert (done.new, done.update, done.unchanged, done.errors) == (0, 1, 1, [])
    entry.refresh_from_db()
    other.refresh_from_db()
    assert (entry.numerator, entry.value, entry.version, entry.status) == (2, 50, 2, S.DRAFT)
    assert entry.history.first().history_change_reason == "Nhập từ tệp (import): so-lieu.xlsx"
    assert other.version == 1


def test_empty_template_rows_are_ignored(cast, plan):
    template = build_template(user=cast.commune_reporter, plan=plan, period_end=NOV)
    report = run(template, cast.commune_reporter)
    assert report.ok and report.total == report.empty == 1


# --- Errors: each kind with its row, column and message; nothing stored -------------

GOOD = ratio_row("11329", 1, 2, day="31/10/2022")

ERRORS = {
    "scope": ("commune_reporter", ratio_row("11332", 1, 2), columns.UNIT, "ngoài phạm vi báo cáo"),
    "numerator above denominator": (
        "commune_reporter",
        ratio_row("11329", 5, 4),
        columns.NUMERATOR,
        "Tử số (5) không được lớn hơn mẫu số (4).",
    ),
    "denominator zero": (
        "commune_reporter",
        ratio_row("11329", 0, 0),
        columns.DENOMINATOR,
        "Mẫu số phải lớn hơn 0.",
    ),
    "negative": (
        "commune_reporter",
        ratio_row("11329", -1, 4),
        columns.NUMERATOR,
        "Tử số không được âm.",
    ),
    "ratio without denominator": (
        "commune_reporter",
        ratio_row("11329", 1, ""),
        columns.DENOMINATOR,
        "Chỉ tiêu tỷ lệ cần nhập mẫu số.",
    ),
    "percent above 100": (
        "agency_reporter",
        ("kh74-2022", "KTS-01", "31", "31/12/2022", "", "", "100,5", ""),
        columns.VALUE,
        "Tỷ lệ phần trăm phải nằm trong khoảng 0–100.",
    ),
    "milestone not 0 or 1": (
        "agency_reporter",
        ("kh74-2022", "CQS-05", "31", "31/12/2022", "", "", "2", ""),
        columns.VALUE,
        "Mốc hoàn thành chỉ nhận 1 (đạt) hoặc 0 (chưa đạt).",
    ),
    "not a period end": (
        "commune_reporter",
        ratio_row("11329", 1, 2, day="15/11/2022"),
        columns.PERIOD,
        "không phải ngày cuối của một kỳ báo cáo",
    ),
    "outside the plan": (
        "commune_reporter",
        ratio_row("11329", 1, 2, day="31/01/2023"),
        columns.PERIOD,
        "Kỳ báo cáo phải nằm trong thời gian của kế hoạch",
    ),
    "wrong reporting level": (
        "reporter",
        ratio_row("304", 1, 2),
        columns.UNIT,
        "Chỉ tiêu này do cấp “Từng xã, phường, thị trấn” báo cáo",
    ),
    "unknown target": (
        "commune_reporter",
        ratio_row("11329", 1, 2, target="CQS-99"),
        columns.TARGET,
        "Không có chỉ tiêu mã “CQS-99”",
    ),
    "unknown plan": (
        "commune_reporter",
        ("kh-khong-co", "CQS-03c", "11329", "30/11/2022", 1, 2, "", ""),
        columns.TARGET,
        "Không có chỉ tiêu mã “CQS-03c” trong kế hoạch",
    ),
    "unknown unit": (
        "commune_reporter",
        ratio_row("99999", 1, 2),
        columns.UNIT,
        "Không có đơn vị mã “99999”.",
    ),
    "missing unit code": (
        "commune_reporter",
        ratio_row("", 1, 2),
        columns.UNIT,
        "Thiếu mã đơn vị.",
    ),
    "not a date": (
        "commune_reporter",
        ratio_row("11329", 1, 2, day="tháng 11"),
        columns.PERIOD,
        "Ngày “tháng 11” không hợp lệ",
    ),
    "not a number": (
        "commune_reporter",
        ratio_row("11329", "mười", 20),
        columns.NUMERATOR,
        "“mười” không phải là một số",
    ),
    "too many decimals": (
        "commune_reporter",
        ratio_row("11329", "1,23456", 20),
        columns.NUMERATOR,
        "4",
    ),
    "duplicate of an earlier row": ("commune_reporter", GOOD, "", "Trùng với dòng 2"),
}


@pytest.mark.parametrize("kind", ERRORS)
def test_each_error_has_its_row_column_and_message(kind, cast):
    username, bad, column, message = ERRORS[kind]
    user = getattr(cast, username)
    good = GOOD if username == "commune_reporter" else ()
    rows = [good, bad] if good else [bad]
    for content, name in ((xlsx(rows), "loi.xlsx"), (csv_file(rows), "loi.csv")):
        report = run(content, user, name=name, dry_run=False)
        assert not report.stored
        assert len(report.errors) == 1, errors_of(report)
        error = report.errors[0]
        assert (error.row, error.column) == (len(rows) + 1, column)
        assert message in error.message
        assert report.lines()[1].startswith(f"  Dòng {len(rows) + 1}")
    assert not ProgressEntry.objects.exists()


def test_approved_entry_is_locked(cast, make_entry, target, unit):
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2)
    report = run(xlsx([GOOD, ratio_row("11329", 1, 2)]), cast.commune_reporter, dry_run=False)
    assert errors_of(report) == [
        (
            3,
            columns.STATUS,
            "Số liệu kỳ này đã được duyệt nên bị khoá; cần người duyệt mở lại trước khi sửa.",
        )
    ]
    assert ProgressEntry.objects.count() == 1


def test_submitted_entry_cannot_be_changed(cast, make_entry, target, unit):
    make_entry(
        target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2, status=S.SUBMITTED
    )
    report = run(xlsx([ratio_row("11329", 1, 3)]), cast.commune_reporter)
    assert errors_of(report) == [
        (
            2,
            columns.STATUS,
            "Số liệu kỳ này đang ở trạng thái “Đã gửi duyệt”; chỉ sửa được số liệu nháp hoặc bị trả lại.",
        )
    ]


def test_commune_reporter_file_with_another_communes_row_is_rejected(cast):
    rows = [ratio_row("11329", 1, 2), ratio_row("11332", 1, 2)]
    report = run(xlsx(rows), cast.commune_reporter, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(3, columns.UNIT)]
    assert "11332" in report.errors[0].message
    assert not ProgressEntry.objects.exists()


def test_one_bad_row_among_500_stores_nothing(make_user, unit):
    user = make_user(
        "city.reporter", staff=True, memberships=[("31", "reporter")], groups=["reporters"]
    )
    communes = AdministrativeUnit.objects.filter(level="commune").order_by("code")
    communes = list(communes.values_list("code", flat=True))
    ends = period_ends("monthly", datetime.date(2022, 1, 1), DEC)
    rows = [
        ratio_row(code, 3, 4, day=day.strftime("%d/%m/%Y")) for day in ends for code in communes
    ][:500]
    rows[249] = ratio_row(rows[249][2], 9, 4, day=rows[249][3])
    report = run(xlsx(rows), user, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(251, columns.NUMERATOR)]
    assert report.new == 499
    assert not ProgressEntry.objects.exists()


def test_missing_columns_and_unreadable_files_are_refused():
    with pytest.raises(FileError, match="thiếu cột: Mã đơn vị"):
        read_dataset(
            csv_file([], headers=[columns.PLAN, columns.TARGET, columns.PERIOD, columns.VALUE]),
            "a.csv",
        )
    with pytest.raises(FileError, match="UTF-8"):
        read_dataset(b"\xff\xfeM\x00", "a.csv")
    with pytest.raises(FileError, match="xlsx"):
        read_dataset(b"not a zip", "a.xlsx")
    with pytest.raises(FileError, match=r"\.xlsx hoặc \.csv"):
        read_dataset(b"", "a.pdf")


# --- CSV and XLSX ------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_or_without_bom_and_decimal_commas(bom, delimiter, cast, target, unit):
    rows = [
        ratio_row("11329", "1.234,5", "2.000"),
        ratio_row("11329", "91,8", "100", day="31/10/2022"),
        ratio_row("11329", "91.8", "100", day="2022-09-30"),
    ]
    content = csv_file(rows, bom=bom, delimiter=delimiter)
    report = run(content, cast.commune_reporter, name="so lieu.csv", dry_run=False)
    assert report.stored and report.new == 3, errors_of(report)
    values = dict(
        ProgressEntry.objects.filter(unit=unit("11329")).values_list("period_end", "numerator")
    )
    assert values == {
        NOV: Decimal("1234.5"),
        datetime.date(2022, 10, 31): Decimal("91.8"),
        datetime.date(2022, 9, 30): Decimal("91.8"),
    }


def test_xlsx_number_and_date_cells(cast, target):
    rows = [("kh74-2022", "KTS-01", "31", DEC, None, None, 91.8, "Theo Cục Thống kê")]
    report = run(xlsx(rows), cast.agency_reporter, dry_run=False)
    assert report.stored, errors_of(report)
    entry = ProgressEntry.objects.get(target=target("KTS-01"))
    assert (entry.value, entry.note, entry.status) == (
        Decimal("91.8"),
        "Theo Cục Thống kê",
        S.DRAFT,
    )


def test_english_headers_and_header_spelling_are_accepted(cast):
    headers = ["plan", "TARGET", " Mã  đơn vị ", "period_end", "numerator", "denominator"]
    content = csv_file([("kh74-2022", "CQS-03c", "11329", "30/11/2022", 1, 2)], headers=headers)
    assert run(content, cast.commune_reporter, name="a.csv").new == 1
