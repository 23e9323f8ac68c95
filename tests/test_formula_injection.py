"""Every CSV and XLSX the app writes quotes text a spreadsheet would run as a formula
(OWASP: a leading single quote) and keeps numbers numbers. Files are read back."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from targets.domain.models import ProgressEntry
from targets.domain.roles import REPORTERS
from targets.entry.importing import read_dataset
from targets.entry.importing.run import entries_import
from targets.entry.importing.template import build_template
from targets.reports import export_entries_csv, export_report_xlsx, export_status_csv
from targets.reports.data import gather_report

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile(target, unit, make_entry, make_user):
    """A target name, a note, a review note and a username a spreadsheet would run,
    and a negative figure (KTS-03 is a growth target: negative is allowed)."""
    cqs = target("CQS-03c")
    cqs.name = "=1+2"
    cqs.save()
    someone = make_user("-cmd")
    entry = make_entry(cqs, unit("11329"), numerator=1, denominator=2, user=someone)
    ProgressEntry.objects.filter(pk=entry.pk).update(
        note=FORMULA, review_note="@SUM(A1)", evidence_url="+https://x"
    )
    make_entry(target("KTS-03"), unit("31"), value=Decimal("-2.5"))
    return cqs


def csv_rows(content: bytes | str):
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_raw_csv_quotes_text_cells_and_keeps_negative_numbers(hostile, plan):
    entries = ProgressEntry.objects.plan_entries(plan, as_of=DEC)
    rows = {row["Mã chỉ tiêu"]: row for row in csv_rows(b"".join(export_entries_csv(entries)))}
    cqs = rows["CQS-03c"]
    assert cqs["Chỉ tiêu"] == "'=1+2"
    assert cqs["Ghi chú"] == "'" + FORMULA
    assert cqs["Ý kiến người duyệt"] == "'@SUM(A1)"
    assert cqs["Đường dẫn minh chứng"] == "'+https://x"
    assert cqs["Người nhập"] == "'-cmd"
    assert rows["KTS-03"]["Giá trị"] == "-2.5"  # a number, not quoted


def test_table_exports_quote_text_and_keep_numbers(hostile, manager_client):
    response = manager_client.get(
        reverse("targets:target-list"), {**QUERY, "_export": "csv"}, secure=True
    )
    rows = {row["Mã chỉ tiêu"]: row for row in csv_rows(response.content)}
    assert rows["CQS-03c"]["Chỉ tiêu"] == "'=1+2"
    assert Decimal(rows["KTS-03"]["Số liệu"]) == Decimal("-2.5")  # a number, not quoted

    response = manager_client.get(
        reverse("targets:target-list"), {**QUERY, "_export": "xlsx"}, secure=True
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    by_code = {row[header.index("Mã chỉ tiêu")].value: row for row in sheet.iter_rows(min_row=2)}
    name = by_code["CQS-03c"][header.index("Chỉ tiêu")]
    assert (name.value, name.data_type) == ("'=1+2", "s")
    figure = by_code["KTS-03"][header.index("Số liệu")]
    assert (figure.value, figure.data_type) == (-2.5, "n")


def test_status_report_xlsx_and_csv_quote_text_and_keep_numbers(hostile, plan):
    report = gather_report(plan, as_of=DEC)
    rows = {row["Mã chỉ tiêu"]: row for row in csv_rows(export_status_csv(report))}
    assert rows["CQS-03c"]["Chỉ tiêu"] == "'=1+2"
    assert rows["KTS-03"]["Số liệu"] == "-2.5"

    book = openpyxl.load_workbook(io.BytesIO(export_report_xlsx(report)))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]  # no formula anywhere
    names = {cell.value for cell in cells if isinstance(cell.value, str) and "1+2" in cell.value}
    assert names == {"'=1+2"}
    summary = {row[1].value: row for row in book["Tổng hợp"].iter_rows() if row[1].value}
    figure = summary["KTS-03"][5]
    assert figure.data_type == "n" and figure.value == pytest.approx(-0.025)


def test_import_template_quotes_a_note_and_reads_it_back_unchanged(target, unit, make_user):
    reporter = make_user("baocao.xa", staff=True, memberships=[("11329", "reporter")])
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    entry = ProgressEntry.objects.create(
        target=target("CQS-03c"),
        unit=unit("11329"),
        period_end=DEC,
        numerator=1,
        denominator=2,
        value=50,
        note="=1+1",
        status=ProgressEntry.Status.DRAFT,
        created_by=reporter,
    )
    content = build_template(user=reporter, plan=entry.target.plan, period_end=DEC)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    notes = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in notes
    report = entries_import(
        dataset=read_dataset(content, "mau.xlsx"), file_name="mau.xlsx", user=reporter
    )
    assert report.ok and report.unchanged == 1 and report.update == 0
