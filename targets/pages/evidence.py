"""The evidence download: a file of ``targets.domain.evidence``, to a reader who may see its
entry (``targets.domain.scope``), as an attachment; in production the proxy sends it
(``EVIDENCE_SENDFILE``)."""

import os
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from targets.domain import roles, scope
from targets.domain.evidence import ALLOWED, PREFIX, extension_of
from targets.domain.models import ProgressEntry

_NAME = re.compile(r"[\w.\-]+(?:/[\w.\-]+)*")


def may_read(user, entry) -> bool:
    """Whether ``user`` may download ``entry``'s evidence: whoever may open the entry in
    the admin (``scope.entry_permissions``), and whoever reads its figure on the pages
    (an approved entry in ``scope.visible_entries``)."""
    if roles.VIEW in scope.entry_permissions(user, entry):
        return True
    return (
        entry.status == ProgressEntry.Status.APPROVED
        and scope.visible_entries(user).filter(pk=entry.pk).exists()
    )


def _entry_with_file(name: str):
    if len(name) > 290 or not _NAME.fullmatch(name):
        return None
    return (
        ProgressEntry.objects.select_related("target", "unit__parent")
        .filter(evidence_file=PREFIX + name)
        .first()
    )


def download_name(entry) -> str:
    """``minh-chung_<target>_<unit>_<period end><ext>``: what the reader's browser saves."""
    return (
        f"minh-chung_{entry.target.code}_{entry.unit.code}_{entry.period_end:%Y-%m-%d}"
        f"{extension_of(entry.evidence_file.name)}"
    )


@require_safe
@login_required
def download(request, name):
    """The evidence file stored as ``evidence/<name>``, to a reader who may see its
    entry; 404 when it is missing or out of the reader's scope alike."""
    entry = _entry_with_file(name)
    if entry is None or not may_read(request.user, entry):
        raise Http404(gettext("Không tìm thấy tệp minh chứng này trong phạm vi của bạn."))
    stored = entry.evidence_file
    if not stored.storage.exists(stored.name):
        raise Http404(gettext("Không tìm thấy tệp minh chứng này trong phạm vi của bạn."))
    content_type = ALLOWED.get(extension_of(stored.name), "application/octet-stream")
    filename = download_name(entry)
    mode = settings.EVIDENCE_SENDFILE
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(
            settings.EVIDENCE_SENDFILE_PREFIX.rstrip("/") + "/" + stored.name
        )
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = os.path.join(settings.EVIDENCE_SENDFILE_PREFIX, stored.name)
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser still render it, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private"
    return response
