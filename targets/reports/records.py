"""Status report records (``targets.domain.models.StatusReport``): who may create and issue
them, the document a record shows, and issuing it.

Scope comes from ``targets.domain.scope``: ``covers`` (a reviewer's role on a unit covers the
units below it) and ``report_units``. Plan administrators and superusers work on every
unit.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from targets.domain import scope
from targets.domain.models import AdministrativeUnit, StatusReport
from targets.reports.data import ReportData, gather_report, report_filename
from targets.reports.document import (
    Letterhead,
    build_document,
    default_authority,
    default_symbol,
)


def may_create_report(user, unit) -> bool:
    """Plan administrators, and the reviewers of ``unit`` (or of a unit above it)."""
    return user.has_perm("targets.add_statusreport") and scope.covers(user, scope.REVIEWER, unit)


def may_issue_report(user, report: StatusReport) -> bool:
    return user.has_perm("targets.issue_statusreport") and scope.covers(
        user, scope.REVIEWER, report.unit
    )


def report_data(report: StatusReport) -> ReportData:
    """The figures of ``report`` as of its date, for its unit (the city: every unit)."""
    within = None if report.unit.kind == AdministrativeUnit.Kind.CITY else report.unit
    return gather_report(report.plan, as_of=report.as_of, within=within)


def letterhead(report: StatusReport, *, draft: bool) -> Letterhead:
    within = None if report.unit.kind == AdministrativeUnit.Kind.CITY else report.unit
    signature = [report.authority, report.signer_capacity, report.signer_position]
    signature = [line for line in signature if line.strip()] or default_authority(within)
    return Letterhead(
        number=report.number,
        symbol=report.symbol or default_symbol(within),
        place=report.place,
        issue_date=report.issue_date,
        title=report.title,
        authority=signature,
        signer_name=report.signer_name,
        recipients=report.recipients.splitlines(),
        results=report.results,
        shortcomings=report.shortcomings,
        tasks=report.tasks,
        recommendations=report.recommendations,
        draft=draft,
    )


def report_document(report: StatusReport) -> dict:
    """What a download of ``report`` shows: the snapshot of its latest issue, or for a
    draft the document built from today's data."""
    if report.is_issued:
        return report.snapshot
    return build_document(report_data(report), letterhead(report, draft=True))


def record_filename(report: StatusReport, extension: str) -> str:
    """``bao-cao-so-125-bc-ubnd-v2-kh74-2022-2022-12-31.pdf``; drafts
    ``du-thao-bao-cao-kh74-2022-304-2022-12-31.docx``. An issued report's name is the
    one frozen with its snapshot: editing the record after issuing changes neither the
    document nor its name until it is issued again."""
    if report.is_issued and report.snapshot.get("filename"):
        return f"{report.snapshot['filename']}.{extension}"
    return _filename(report, extension)


def _filename(report: StatusReport, extension: str) -> str:
    within = None if report.unit.kind == AdministrativeUnit.Kind.CITY else report.unit
    if report.is_issued:
        number = slugify(f"{report.number} {report.symbol}") or str(report.pk)
        prefix = f"bao-cao-so-{number}-v{report.version}"
    else:
        prefix = "du-thao-bao-cao"
    return report_filename(report.plan, report.as_of, within, extension, prefix=prefix)


@transaction.atomic
def report_issue(*, report: StatusReport, user, today: datetime.date | None = None) -> StatusReport:
    """Issue ``report``: freeze every figure, status and table it shows (and its
    letterhead and narrative) in ``snapshot``, count a new version, record who and when.
    The issue date is the record's, else ``today`` (default: today in the project's
    time zone). Raises PermissionDenied outside the user's scope, ValidationError when
    the data date is after the issue date."""
    report = (
        StatusReport.objects.select_for_update(of=("self",))
        .select_related("plan", "unit__parent__parent")
        .get(pk=report.pk)
    )
    if not may_issue_report(user, report):
        raise PermissionDenied(_("Bạn không có quyền ban hành báo cáo của đơn vị này."))
    issue_date = report.issue_date or today or timezone.localdate()
    if issue_date < report.as_of:
        raise ValidationError(
            _(
                "Ngày ban hành không thể trước ngày số liệu; hãy sửa ngày ban hành hoặc ngày số liệu."
            )
        )
    report.issue_date = issue_date
    report.snapshot = build_document(report_data(report), letterhead(report, draft=False))
    report.status = StatusReport.Status.ISSUED
    report.version += 1
    report.snapshot["filename"] = _filename(report, "x").removesuffix(".x")
    report.issued_at = timezone.now()
    report.issued_by = user
    report._history_user = user
    report._change_reason = _("Ban hành phiên bản %(version)s") % {"version": report.version}
    report.save()
    return report
