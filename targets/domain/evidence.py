"""Evidence files of progress entries: which files are accepted, where they are stored,
and who may download them (issue 13).

- Accepted: PDF, PNG and JPEG images, and office documents (.docx, .xlsx, .odt, .ods),
  recognised by their content (magic bytes through ``filetype``; for office documents
  the ZIP package and the part that makes each kind), and the name's extension must
  say the same. Legacy binary Office files (.doc, .xls) are refused: they may carry
  macros and their content cannot be checked as reliably. At most
  ``settings.EVIDENCE_MAX_BYTES`` (10 MB unless the environment says otherwise).
- Stored as ``evidence/<random hex><ext>``: the original name is not kept; downloads
  are named after the entry (target, unit, period).
- Served only by ``targets.pages.evidence.download``, to whoever may see the entry, as an
  attachment with ``X-Content-Type-Options: nosniff``. In production the proxy does the
  sending (``EVIDENCE_SENDFILE``: ``x-accel-redirect`` for nginx, ``x-sendfile`` for
  Apache or lighttpd) and never serves the files itself.
"""

import os
import uuid
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PREFIX = "evidence/"

# Accepted extension -> the MIME type the download carries.
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_ALIASES = {".jpeg": ".jpg"}
# What ``filetype`` calls the kinds recognised by their first bytes.
_MAGIC = {"pdf": ".pdf", "png": ".png", "jpg": ".jpg"}
# An Office Open XML package is what its main part says.
_OOXML_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
_ODF = (".odt", ".ods")
_HEAD_BYTES = 8192


def extension_of(name: str) -> str:
    """``name``'s extension, lower case, ``.jpeg`` read as ``.jpg``."""
    extension = os.path.splitext(name or "")[1].lower()
    return _ALIASES.get(extension, extension)


def _package_kind(file) -> str | None:
    """The office extension a ZIP package's parts make it, or None. Reads the central
    directory and at most the tiny ``mimetype`` part: nothing is decompressed else."""
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros
            if "[Content_Types].xml" in names:
                return next((ext for ext, part in _OOXML_PARTS.items() if part in names), None)
            if "mimetype" in names and package.getinfo("mimetype").file_size <= 100:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                return next((ext for ext in _ODF if ALLOWED[ext] == declared), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError):
        return None
    return None


def detected_extension(file) -> str | None:
    """The accepted extension ``file``'s content matches, or None (read from the start;
    the file is left at its start)."""
    try:
        file.seek(0)
        head = file.read(_HEAD_BYTES)
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _package_kind(file)
        kind = filetype.guess(head)
        return _MAGIC.get(kind.extension) if kind else None
    finally:
        file.seek(0)


def validate_evidence_file(value) -> None:
    """Refuse a newly uploaded evidence file that is too large, not an accepted type,
    or whose content is not what its name says (Vietnamese messages). A file already
    stored was checked when it came in."""
    if not value or getattr(value, "_committed", True):
        return
    limit = settings.EVIDENCE_MAX_BYTES
    if value.size > limit:
        raise ValidationError(
            _("Tệp minh chứng lớn quá (%(size)s); tối đa %(limit)s."),
            code="evidence_too_large",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
        )
    extension = extension_of(value.name)
    if extension not in ALLOWED or detected_extension(value.file) != extension:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không được nhận. Tệp minh chứng phải là PDF, ảnh PNG hoặc "
                "JPEG, văn bản Word hoặc bảng tính Excel (.docx, .xlsx), hay tệp "
                "OpenDocument (.odt, .ods), và nội dung phải đúng loại mà tên tệp cho biết."
            ),
            code="evidence_type",
            params={"name": os.path.basename(value.name)[:80]},
        )


def evidence_upload_to(instance, filename: str) -> str:
    """``evidence/<32 random hex digits><ext>``: nothing of the original name is kept."""
    extension = extension_of(filename)
    return f"{PREFIX}{uuid.uuid4().hex}{extension if extension in ALLOWED else ''}"


class EvidenceStorage(FileSystemStorage):
    """Files under ``MEDIA_ROOT`` whose URL is the download view, never ``/media/``:
    every link Django draws to a file (the admin's file widget, read-only fields) goes
    through the scope check."""

    def url(self, name):
        return reverse("targets:evidence", kwargs={"name": name.removeprefix(PREFIX)})


def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()


class EvidenceFileField(models.FileField):
    """The entry's evidence file: checked by :func:`validate_evidence_file`, stored by
    :func:`evidence_upload_to` in :class:`EvidenceStorage`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", evidence_upload_to)
        kwargs.setdefault("storage", evidence_storage)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("validators", [validate_evidence_file])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        accept = sorted({*ALLOWED, *_ALIASES})
        field.widget.attrs.setdefault("accept", ",".join(accept))
        field.help_text = gettext(
            "PDF, ảnh PNG/JPEG, .docx, .xlsx, .odt hoặc .ods; tối đa %(limit)s. "
            "Chỉ người xem được số liệu này mới tải được tệp."
        ) % {"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        return field
