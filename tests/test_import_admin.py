"""The import in the admin: the link, the template download, preview, confirm, cancel."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.domain.models import ProgressEntry
from targets.entry.importing import columns
from tests.test_import import NOV, csv_file, ratio_row, xlsx

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:targets_progressentry_import")
TEMPLATE = reverse("admin:targets_progressentry_import_template")
CHANGELIST = reverse("admin:targets_progressentry_changelist")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    folder = media / "nhap-so-lieu"
    return list(folder.iterdir()) if folder.exists() else []


def upload(client, content, name="so-lieu.xlsx", **extra):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), **extra})


def test_changelist_links_to_the_import_for_reporters_only(cast, client):
    client.force_login(cast.commune_reporter)
    assert "Nhập từ tệp" in client.get(CHANGELIST).content.decode()
    assert client.get(IMPORT).status_code == 200
    client.force_login(cast.reviewer)
    assert "Nhập từ tệp" not in client.get(CHANGELIST).content.decode()
    assert client.get(IMPORT).status_code == 403
    assert (
        client.get(TEMPLATE, {"plan": "kh74-2022", "period_end": "30/11/2022"}).status_code == 403
    )


def test_template_download(cast, client):
    client.force_login(cast.commune_reporter)
    response = client.get(TEMPLATE, {"plan": "kh74-2022", "period_end": "30/11/2022"})
    assert response.status_code == 200
    assert "mau-nhap-so-lieu-kh74-2022-2022-11-30.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4]) for r in rows] == [("CQS-03c", "11329")]


def test_template_form_errors_are_shown(cast, client):
    client.force_login(cast.commune_reporter)
    response = client.get(TEMPLATE, {"plan": "kh74-2022", "period_end": "15/11/2022"})
    assert response.status_code == 200
    assert "Hãy chọn ngày cuối của một tháng." in response.content.decode()


def test_preview_then_confirm_stores_everything(cast, client, media):
    client.force_login(cast.commune_reporter)
    content = xlsx([ratio_row("11329", 1, 2), ratio_row("11329", "91,8", 100, day="31/10/2022")])
    preview = upload(client, content, submit="on")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="count-new">2<' in page and "Xác nhận và lưu" in page
    assert "lưu và gửi duyệt" in page
    assert not ProgressEntry.objects.exists()
    assert len(stored_files(media)) == 1

    confirm = preview.context["confirm_form"].initial
    done = client.post(IMPORT, {**confirm, "_confirm": "1"})
    assert done.status_code == 302 and done["Location"] == CHANGELIST
    entries = ProgressEntry.objects.all()
    assert entries.count() == 2
    assert {e.status for e in entries} == {ProgressEntry.Status.SUBMITTED}
    assert {e.created_by for e in entries} == {cast.commune_reporter}
    assert not stored_files(media)


def test_errors_are_listed_and_cannot_be_confirmed(cast, client):
    client.force_login(cast.commune_reporter)
    content = csv_file(
        [ratio_row("11329", 1, 2), ratio_row("11332", 1, 2, day="31/10/2022")], bom=True
    )
    response = upload(client, content, name="so-lieu.csv")
    page = response.content.decode()
    assert "Có 1 lỗi: chưa lưu số liệu nào." in page
    assert f"<td>3</td><td>{columns.UNIT}</td>" in page
    assert "ngoài phạm vi báo cáo" in page
    assert "Xác nhận và lưu" not in page
    assert not ProgressEntry.objects.exists()


def test_unreadable_file_is_refused_in_the_form(cast, client):
    client.force_login(cast.commune_reporter)
    response = upload(client, b"x;y\n1;2\n", name="so-lieu.csv")
    assert "Tệp thiếu cột" in response.content.decode()


def test_cancel_stores_nothing_and_removes_the_file(cast, client, media):
    client.force_login(cast.commune_reporter)
    preview = upload(client, xlsx([ratio_row("11329", 1, 2)]))
    response = client.post(IMPORT, {**preview.context["confirm_form"].initial, "_cancel": "1"})
    assert response.status_code == 302
    assert not ProgressEntry.objects.exists() and not stored_files(media)


def test_another_users_stored_file_cannot_be_confirmed(cast, client, make_user):
    client.force_login(cast.commune_reporter)
    preview = upload(client, xlsx([ratio_row("11329", 1, 2)]))
    client.force_login(cast.reporter)
    response = client.post(IMPORT, {**preview.context["confirm_form"].initial, "_confirm": "1"})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert not ProgressEntry.objects.exists()


def test_confirm_finds_what_changed_since_the_preview(cast, client, make_entry, target, unit):
    client.force_login(cast.commune_reporter)
    preview = upload(client, xlsx([ratio_row("11329", 1, 2)]))
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=4)  # approved
    response = client.post(IMPORT, {**preview.context["confirm_form"].initial, "_confirm": "1"})
    assert response.status_code == 200
    assert "đã được duyệt nên bị khoá" in response.content.decode()
    assert ProgressEntry.objects.get().numerator == 1 and ProgressEntry.objects.count() == 1
