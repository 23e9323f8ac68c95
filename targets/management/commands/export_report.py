"""Write the status report of a plan, as of a date, to a file: for scheduled jobs.

    python manage.py export_report --plan kh74-2022 --as-of 2022-12-31 \\
        --format xlsx --output bao-cao.xlsx [--unit 304] [--language en]

    python manage.py export_report --report 7 --format docx --output bao-cao.docx

The same functions as the web downloads write the file, so the same arguments give the
same data (``--format csv`` is the status CSV; ``--format entries`` the raw entries).
``--report`` writes a status report record (PDF or DOCX): an issued one from its
snapshot, exactly as issued; a draft with today's data.
Texts, headers and dates are in ``--language`` (default Vietnamese); CSV numbers are
machine-readable in every language.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.domain.models import ProgressEntry, StatusReport
from targets.reports import (
    export_document_docx,
    export_document_pdf,
    export_entries_csv,
    export_report_docx,
    export_report_pdf,
    export_report_xlsx,
    export_status_csv,
    gather_report,
)
from targets.reports.data import report_filename
from targets.reports.params import ReportParameterError, resolve_report_args
from targets.reports.records import record_filename, report_document

WRITERS = {
    "xlsx": export_report_xlsx,
    "pdf": export_report_pdf,
    "docx": export_report_docx,
    "csv": export_status_csv,
}
RECORD_WRITERS = {"pdf": export_document_pdf, "docx": export_document_docx}


class Command(BaseCommand):
    help = gettext_lazy("Xuất báo cáo tình hình thực hiện kế hoạch (XLSX, PDF, DOCX, CSV) ra tệp.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", help=_("Mã kế hoạch, ví dụ kh74-2022."))
        parser.add_argument(
            "--report",
            type=int,
            help=_("Số hiệu (id) của một báo cáo tình hình đã lập: ghi tệp PDF hoặc DOCX của nó."),
        )
        parser.add_argument("--as-of", help=_("Ngày số liệu YYYY-MM-DD (mặc định: hôm nay)."))
        parser.add_argument("--format", choices=[*WRITERS, "entries"], default="xlsx", dest="fmt")
        parser.add_argument(
            "--output",
            help=_("Tệp ghi ra; một thư mục thì dùng tên tệp chuẩn (mặc định: thư mục hiện tại)."),
        )
        parser.add_argument("--unit", help=_("Mã đơn vị: báo cáo trong phạm vi đơn vị này."))
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=_("Ngôn ngữ của báo cáo (mặc định: vi, tiếng Việt)."),
        )

    def handle(self, *args, language, **options):
        with translation.override(language):
            self.write_report(**options)

    def write_report(self, *, plan, as_of, fmt, output, unit, report, **options):
        if report is not None:
            path = self.write_record(report, fmt, output)
        elif plan:
            path = self.write_quick_report(plan, as_of, fmt, output, unit)
        else:
            raise CommandError(_("Cần --plan (báo cáo nhanh) hoặc --report (báo cáo đã lập)."))
        self.stdout.write(_("Đã ghi %(path)s") % {"path": path})

    def write_record(self, report_id, fmt, output):
        if fmt not in RECORD_WRITERS:
            raise CommandError(_("Báo cáo đã lập chỉ xuất ra PDF hoặc DOCX (--format pdf|docx)."))
        try:
            report = StatusReport.objects.select_related("plan", "unit__parent__parent").get(
                pk=report_id
            )
        except StatusReport.DoesNotExist:
            raise CommandError(_("Không có báo cáo số hiệu %(id)s.") % {"id": report_id}) from None
        path = _output_path(output, record_filename(report, fmt))
        path.write_bytes(RECORD_WRITERS[fmt](report_document(report)))
        return path

    def write_quick_report(self, plan, as_of, fmt, output, unit):
        try:
            report_args = resolve_report_args(plan=plan, as_of=as_of, unit=unit)
        except ReportParameterError as error:
            raise CommandError(str(error)) from None
        if fmt == "entries":
            entries = ProgressEntry.objects.plan_entries(
                report_args.plan, as_of=report_args.as_of, within=report_args.within
            )
            filename = report_filename(
                report_args.plan, report_args.as_of, report_args.within, "csv", prefix="so-lieu"
            )
            path = _output_path(output, filename)
            with path.open("wb") as file:
                for chunk in export_entries_csv(entries):
                    file.write(chunk)
        else:
            report = gather_report(
                report_args.plan, as_of=report_args.as_of, within=report_args.within
            )
            path = _output_path(output, report.filename(fmt))
            path.write_bytes(WRITERS[fmt](report))
        return path


def _output_path(output: str | None, filename: str) -> Path:
    path = Path(output) if output else Path.cwd()
    return path / filename if path.is_dir() else path
