"""Imports that would exhaust a worker are refused before they are read, with a
Vietnamese message and nothing stored; abandoned previews are removed."""

import csv
import io
import os
import time
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from targets.domain.models import ProgressEntry
from targets.domain.roles import REPORTERS
from targets.entry.importing import FileError, columns, read_dataset
from targets.entry.importing.admin import STORAGE_FOLDER
from targets.entry.importing.run import entries_import

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:targets_progressentry_import")
HEADERS = list(columns.IMPORTED)


def row(unit_code="11329", note=""):
    return ["kh74-2022", "CQS-03c", unit_code, "30/11/2022", 1, 2, "", note]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


def with_dimension(content: bytes, ref: str | None) -> bytes:
    """``content`` with its first sheet declaring ``<dimension ref=…>`` (as a file
    crafted to expand to millions of rows does), or none at all."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<dimension")
                end = data.index(b"/>", start) + 2
                dimension = f'<dimension ref="{ref}"/>'.encode() if ref else b""
                data = data[:start] + dimension + data[end:]
            target.writestr(entry, data)
    return out.getvalue()


@pytest.fixture
def reporter(make_user):
    user = make_user("baocao.xa", staff=True, memberships=[("11329", "reporter")])
    user.groups.add(Group.objects.get(name=REPORTERS))
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_csv_past_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    read_dataset(csv_bytes([row()] * 3), "a.csv")
    with pytest.raises(FileError, match="Tệp có quá 3 dòng số liệu"):
        read_dataset(csv_bytes([row()] * 4), "a.csv")


def test_an_xlsx_past_the_row_limit_is_refused_while_reading(settings):
    settings.IMPORT_MAX_ROWS = 3
    content = xlsx([row()] * 4)
    with pytest.raises(FileError, match="Tệp có quá 3 dòng số liệu"):
        read_dataset(with_dimension(content, None), "a.xlsx")  # no dimension declared


def test_an_xlsx_declaring_two_million_rows_is_refused_before_parsing():
    content = with_dimension(xlsx([row()]), "A1:H2000000")
    started = time.monotonic()
    with pytest.raises(FileError, match="Tệp có quá 5.000 dòng số liệu"):
        read_dataset(content, "bom.xlsx")
    assert time.monotonic() - started < 1


def test_an_xlsx_declaring_thousands_of_columns_is_refused():
    with pytest.raises(FileError, match="quá 50 cột"):
        read_dataset(with_dimension(xlsx([row()]), "A1:XFD2"), "wide.xlsx")


def test_an_xlsx_that_unzips_too_large_is_refused(settings):
    content = xlsx([row(note="x" * 2000)] * 20)
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 20_000
    assert len(content) < 20_000  # small on disk, large once unzipped
    with pytest.raises(FileError, match="khi giải nén lớn quá"):
        read_dataset(content, "zip.xlsx")


def test_a_csv_cell_past_the_csv_modules_limit_is_a_message_not_a_server_error(
    client, reporter, media
):
    client.force_login(reporter)
    content = csv_bytes([row(note="x" * 200_000)])
    response = client.post(IMPORT, {"file": SimpleUploadedFile("big.csv", content)})
    assert response.status_code == 200
    assert "Dòng 2: có ô dài quá 10.000 ký tự." in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_a_nul_in_a_cell_is_refused():
    with pytest.raises(FileError, match="ký tự rỗng"):
        read_dataset(csv_bytes([row(note="a\x00b")]), "nul.csv")


def test_a_note_longer_than_the_form_allows_is_refused_with_the_forms_message(reporter):
    report = entries_import(
        dataset=read_dataset(csv_bytes([row(note="đ" * 5001)]), "a.csv"),
        file_name="a.csv",
        user=reporter,
        dry_run=False,
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, columns.NOTE, "Ghi chú dài quá 5.000 ký tự.")
    ]
    assert not ProgressEntry.objects.exists()


def test_an_oversized_upload_shows_the_message_and_stores_nothing(
    client, reporter, media, settings
):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(reporter)
    content = xlsx([row("11329"), row("11332"), row("11335")])
    response = client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", content)})
    assert response.status_code == 200
    assert "Tệp có quá 2 dòng số liệu" in response.content.decode()
    assert not ProgressEntry.objects.exists()
    assert not (media / STORAGE_FOLDER).exists() or not os.listdir(media / STORAGE_FOLDER)


def _preview_file(media, name, hours_old):
    folder = media / STORAGE_FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(b"x")
    moment = time.time() - hours_old * 3600
    os.utime(path, (moment, moment))
    return path


def test_clear_import_previews_removes_files_older_than_the_hours(media):
    old = _preview_file(media, "1-" + "a" * 32, hours_old=30)
    recent = _preview_file(media, "1-" + "b" * 32, hours_old=2)
    out = io.StringIO()
    call_command("clear_import_previews", "--hours", "24", stdout=out)
    assert not old.exists() and recent.exists()
    assert "Removed 1 import preview file(s) older than 24 h." in out.getvalue()
    call_command("clear_import_previews", "--hours", "1", stdout=out)
    assert not recent.exists()


def test_the_next_upload_removes_abandoned_previews(client, reporter, media, settings):
    settings.IMPORT_PREVIEW_MAX_HOURS = 24
    old = _preview_file(media, "9-" + "c" * 32, hours_old=25)
    client.force_login(reporter)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", xlsx([row()]))})
    assert response.status_code == 200
    assert not old.exists()
    assert len(os.listdir(media / STORAGE_FOLDER)) == 1  # this upload's preview
