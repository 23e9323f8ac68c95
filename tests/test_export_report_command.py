"""``manage.py export_report`` writes the same data as the web download."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.report_builders import docx_text

pytestmark = pytest.mark.django_db

QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}


@pytest.fixture
def entries(target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=30, denominator=60)
    make_entry(target("CQS-03c"), unit("11296"), numerator=3, denominator=4, status="draft")
    make_entry(target("CQS-03b"), unit("304"), numerator=45, denominator=50)
    make_entry(target("CQS-01"), unit("31"), datetime.date(2022, 9, 30), numerator=8,
               denominator=10)  # fmt: skip


def run(tmp_path, fmt, *extra):
    output = tmp_path / f"out.{fmt}"
    call_command(
        "export_report",
        "--plan=kh74-2022",
        "--as-of=2022-12-31",
        f"--format={fmt}",
        f"--output={output}",
        *extra,
        stdout=io.StringIO(),
    )
    return output.read_bytes()


def download(client, name, **query):
    response = client.get(reverse(name), {**QUERY, **query}, secure=True)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def cell_values(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


@pytest.mark.parametrize("scope", [None, "304"])
def test_command_writes_the_same_data_as_the_web(client, admin_user, entries, tmp_path, scope):
    client.force_login(admin_user)
    extra = [f"--unit={scope}"] if scope else []
    query = {"unit": scope} if scope else {}
    assert run(tmp_path, "csv", *extra) == download(client, "targets:report-csv", **query)
    assert run(tmp_path, "entries", *extra) == download(client, "targets:entries-csv", **query)
    web_xlsx = download(client, "targets:report-xlsx", **query)
    assert cell_values(run(tmp_path, "xlsx", *extra)) == cell_values(web_xlsx)
    web_pdf = download(client, "targets:report-pdf", **query)
    command_pdf = run(tmp_path, "pdf", *extra)
    assert command_pdf.startswith(b"%PDF-")
    assert command_pdf == web_pdf  # reportlab's invariant mode: reproducible bytes
    web_docx = download(client, "targets:report-docx", **query)
    assert docx_text(run(tmp_path, "docx", *extra)) == docx_text(web_docx)


def test_command_names_the_file_when_given_a_folder(entries, tmp_path):
    call_command(
        "export_report", "--plan=kh74-2022", "--as-of=2022-12-31", "--format=pdf",
        f"--output={tmp_path}", "--unit=304", stdout=io.StringIO(),
    )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao-kh74-2022-304-2022-12-31.pdf"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--plan=kh99"], "Không có kế hoạch mã “kh99”"),
        (["--plan=kh74-2022", "--as-of=2022-31-12"], "không hợp lệ"),
        (["--plan=kh74-2022", "--unit=nope"], "Không có đơn vị mã “nope”"),
    ],
)
def test_command_refuses_bad_arguments(tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *arguments, f"--output={tmp_path}/x", stdout=io.StringIO())
