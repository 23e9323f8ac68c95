"""Bulk import (issue 6): the template, the preview, every error with its row and
column, all-or-nothing storage, scope and lock, CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from targets import services
from targets.importing import FileError, columns, read_dataset
from targets.importing.template import build_template, template_rows
from targets.importing.widgets import parse_number
from targets.models import ProgressEntry, Target

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)
DEC = datetime.date(2022, 12, 31)
HEADERS = [
    columns.PLAN,
    columns.TARGET,
    columns.UNIT,
    columns.PERIOD,
    columns.NUMERATOR,
    columns.DENOMINATOR,
    columns.VALUE,
    columns.NOTE,
]


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
    return services.entries_import(
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
