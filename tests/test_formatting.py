"""``targets.domain.formatting``: one way to write and read numbers and dates, everywhere."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from targets.domain.fields import NumberField
from targets.domain.formatting import (
    ParseError,
    format_target,
    parse_as_of,
    parse_date,
    parse_number,
    safe_cell,
    unquote_cell,
)
from targets.domain.models import ProgressEntry
from targets.entry.admin.entries import ProgressEntryForm

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}


def test_the_same_figure_reads_the_same_on_the_page_xlsx_pdf_and_csv(
    client, admin_user, target, unit, make_entry
):
    """KTS-01 (digital economy share of GRDP, a percentage) at 29.4812: 29,48% on the
    page and in the PDF, 29.48 in both CSVs, 0.2948 shown 0.00% in both XLSX files."""
    make_entry(target("KTS-01"), unit("31"), value=Decimal("29.4812"))
    client.force_login(admin_user)

    page = client.get(reverse("targets:target-list"), QUERY, secure=True).content.decode()
    assert "29,48%" in page and "29,5%" not in page

    pdf = client.get(reverse("targets:report-pdf"), QUERY, secure=True).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "29,48%" in text

    status_csv = client.get(reverse("targets:report-csv"), QUERY, secure=True).content
    rows = csv.DictReader(io.StringIO(status_csv.decode("utf-8-sig")))
    assert {row["Mã chỉ tiêu"]: row["Số liệu"] for row in rows}["KTS-01"] == "29.48"

    table_csv = client.get(reverse("targets:target-list"), {**QUERY, "_export": "csv"}, secure=True)
    rows = csv.DictReader(io.StringIO(table_csv.content.decode("utf-8-sig")))
    assert {row["Mã chỉ tiêu"]: row["Số liệu"] for row in rows}["KTS-01"] == "29.48"

    report = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("targets:report-xlsx"), QUERY, secure=True).content)
    )
    cells = {
        row[1].value: row[5] for row in report["Tổng hợp"].iter_rows() if row[1].value == "KTS-01"
    }
    assert Decimal(str(cells["KTS-01"].value)) == Decimal("0.2948")
    assert cells["KTS-01"].number_format == "0.00%"

    table = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("targets:target-list"), {**QUERY, "_export": "xlsx"}, secure=True
            ).content
        )
    ).active
    header = [cell.value for cell in table[1]]
    row = next(r for r in table.iter_rows(min_row=2, values_only=True) if "KTS-01" in r)
    assert Decimal(str(row[header.index("Số liệu")])) == Decimal("29.48")


def test_comparators_and_targets_read_alike(target):
    with translation.override("vi"):
        assert format_target(target("CQS-03c")) == "≥ 30,00%"
        assert format_target(target("DTI-01")) == "≤ 10"
    with translation.override("en"):
        assert format_target(target("CQS-03c")) == "≥ 30.00%"


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.234,5", Decimal("1234.5")), ("91,8", Decimal("91.8")), ("2.000", Decimal(2000))],
)
def test_the_admin_form_and_the_import_read_a_number_alike(text, number):
    assert parse_number(text) == number
    assert NumberField(max_digits=18, decimal_places=4).clean(text) == number


@pytest.mark.parametrize(
    "text", ["12e2", "1_000", "NaN", "Infinity", "-inf", "0x10", float("nan"), float("inf")]
)
def test_the_admin_form_and_the_import_refuse_the_same_numbers(text):
    with pytest.raises(ParseError, match="không phải là một số"):
        parse_number(text)
    field = NumberField(max_digits=18, decimal_places=4)
    with pytest.raises(Exception, match="không phải là một số"):
        field.clean(text)


def test_the_entry_form_refuses_an_exponent_with_the_import_message(target, unit, admin_user):
    form_class = ProgressEntryForm
    data = {
        "target": target("CQS-03c").pk,
        "unit": unit("11329").pk,
        "period_end": "2022-12-31",
        "numerator": "12e2",
        "denominator": "1_000",
    }
    from django.contrib.admin import site

    admin_form = site._registry[ProgressEntry].get_form(_request(admin_user))
    assert issubclass(admin_form, form_class)
    form = admin_form(data=data)
    assert not form.is_valid()
    assert "“12e2” không phải là một số" in str(form.errors["numerator"])
    assert "“1_000” không phải là một số" in str(form.errors["denominator"])


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("text", ["31/12/2022", "2022-12-31", " 2022-12-31 ", "31/12/2022 00:00"])
def test_both_date_forms_are_read(text):
    assert parse_date(text) == DEC


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_dates_outside_the_sane_range_are_refused_with_a_message(text):
    with pytest.raises(ParseError, match="Ngày phải nằm trong khoảng 01/01/2000 – 31/12/2100"):
        parse_date(text)


def test_empty_as_of_is_today_in_hanoi():
    from django.utils import timezone

    assert parse_as_of("") == parse_as_of(None) == timezone.localdate()


@pytest.mark.parametrize("name", ["targets:report-xlsx", "targets:report-csv"])
def test_report_urls_accept_the_vietnamese_date(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name), {"plan": "kh74-2022", "as_of": "31/12/2022"}, secure=True)
    assert response.status_code == 200
    assert "2022-12-31" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "name",
    ["targets:report-xlsx", "targets:report-pdf", "targets:report-csv", "targets:entries-csv"],
)
def test_report_urls_refuse_year_one_with_a_message(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name), {"plan": "kh74-2022", "as_of": "0001-01-01"}, secure=True)
    assert response.status_code == 400
    assert "Ngày phải nằm trong khoảng" in response.content.decode()


def test_pages_refuse_year_one_with_a_message_and_show_today(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("targets:target-list"), {"as_of": "0001-01-01"}, secure=True)
    assert response.status_code == 200
    assert "Ngày phải nằm trong khoảng" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Máy Chai", "Máy Chai"),
        (-2.5, -2.5),
        (Decimal("-3"), Decimal("-3")),
        (None, None),
    ],
)
def test_safe_cell_quotes_formula_text_and_leaves_numbers(value, safe):
    assert safe_cell(value) == safe
    assert unquote_cell(safe_cell(value)) == value
