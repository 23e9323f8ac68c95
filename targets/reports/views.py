"""Downloads of the status report (XLSX, PDF, DOCX, CSV) and of the raw entries (CSV).

Query string: ``?plan=<code>&as_of=YYYY-MM-DD[&unit=<code>]``. A person gets the
report of their scope (a district's staff their district; plan administrators and
superusers the city); bad arguments answer 400 with a Vietnamese message.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from targets.domain import scope
from targets.reports import (
    export_entries_csv,
    export_report_docx,
    export_report_pdf,
    export_report_xlsx,
    export_status_csv,
    gather_report,
)
from targets.reports.data import report_filename
from targets.reports.params import ReportParameterError, resolve_report_args

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def with_report_args(view):
    """Login required, GET only; resolves ``ReportArgs`` from the query string for the
    user, or answers 400 with the reason."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request):
        try:
            args = resolve_report_args(
                plan=request.GET.get("plan"),
                as_of=request.GET.get("as_of"),
                unit=request.GET.get("unit"),
                user=request.user,
            )
        except ReportParameterError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return view(request, args)

    return wrapper


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@with_report_args
def report_xlsx(request, args):
    report = gather_report(args.plan, as_of=args.as_of, within=args.within)
    return _attachment(
        HttpResponse(export_report_xlsx(report), content_type=XLSX), report.filename("xlsx")
    )


@with_report_args
def report_pdf(request, args):
    report = gather_report(args.plan, as_of=args.as_of, within=args.within)
    return _attachment(
        HttpResponse(export_report_pdf(report), content_type="application/pdf"),
        report.filename("pdf"),
    )


@with_report_args
def report_docx(request, args):
    report = gather_report(args.plan, as_of=args.as_of, within=args.within)
    return _attachment(
        HttpResponse(export_report_docx(report), content_type=DOCX), report.filename("docx")
    )


@with_report_args
def report_csv(request, args):
    report = gather_report(args.plan, as_of=args.as_of, within=args.within)
    return _attachment(
        HttpResponse(export_status_csv(report), content_type=CSV), report.filename("csv")
    )


@with_report_args
def entries_csv(request, args):
    entries = scope.raw_entries(request.user).plan_entries(
        args.plan, as_of=args.as_of, within=args.within
    )
    filename = report_filename(args.plan, args.as_of, args.within, "csv", prefix="so-lieu")
    return _attachment(
        StreamingHttpResponse(export_entries_csv(entries), content_type=CSV), filename
    )
