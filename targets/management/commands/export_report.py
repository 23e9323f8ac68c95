"""Write the status report of a plan, as of a date, to a file: for scheduled jobs.

    python manage.py export_report --plan kh74-2022 --as-of 2022-12-31 \\
        --format xlsx --output bao-cao.xlsx [--unit 304] [--language en]

The same functions as the web downloads write the file, so the same arguments give the
same data (``--format csv`` is the status CSV; ``--format entries`` the raw entries).
Texts, headers and dates are in ``--language`` (default Vietnamese); CSV numbers are
machine-readable in every language.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import ProgressEntry
from targets.reports import (
    export_entries_csv,
    export_report_pdf,
    export_report_xlsx,
    export_status_csv,
    gather_report,
)
from targets.reports.data import report_filename
from targets.reports.params import ReportParameterError, resolve_report_args

WRITERS = {"xlsx": export_report_xlsx, "pdf": export_report_pdf, "csv": export_status_csv}


class Command(BaseCommand):
    help = gettext_lazy("Xuất báo cáo tình hình thực hiện kế hoạch (XLSX, PDF, CSV) ra tệp.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help=_("Mã kế hoạch, ví dụ kh74-2022."))
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

    def write_report(self, *, plan, as_of, fmt, output, unit, **options):
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
        self.stdout.write(_("Đã ghi %(path)s") % {"path": path})


def _output_path(output: str | None, filename: str) -> Path:
    path = Path(output) if output else Path.cwd()
    return path / filename if path.is_dir() else path
