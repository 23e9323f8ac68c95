"""What an import did or would do: counts, a sample of the rows, and every error as
(row, column, message), row numbers as the spreadsheet shows them (the header is row 1)."""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from import_export.results import RowResult

from targets.entry.importing import columns

# Rows of each kind listed on the preview page; the counts are always complete.
SAMPLE_SIZE = 50


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class RowChange:
    row: int
    entry: str


@dataclass
class ImportReport:
    """The preview (``dry_run``) or the outcome of an import of ``file_name``."""

    file_name: str
    dry_run: bool
    submit: bool = False
    total: int = 0
    new: int = 0
    update: int = 0
    unchanged: int = 0
    empty: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def stored(self) -> bool:
        """Whether the rows are in the database now (a confirmed import without error)."""
        return self.ok and not self.dry_run

    def file_error(self, message: str) -> "ImportReport":
        self.errors.append(RowError(0, "", message))
        return self

    def lines(self) -> list[str]:
        """The report as text lines, for the terminal."""
        out = [
            _(
                "%(file)s: %(total)d dòng; tạo mới %(new)d, cập nhật %(update)d, "
                "không đổi %(unchanged)d, bỏ trống %(empty)d, lỗi %(errors)d."
            )
            % {
                "file": self.file_name,
                "total": self.total,
                "new": self.new,
                "update": self.update,
                "unchanged": self.unchanged,
                "empty": self.empty,
                "errors": len(self.errors),
            }
        ]
        for error in self.errors:
            where = _("Dòng %(row)d") % {"row": error.row} if error.row else _("Tệp")
            if error.column:
                where += f", {error.column}"
            out.append(f"  {where}: {error.message}")
        return out


def build_report(result, resource, *, file_name: str, dry_run: bool, submit: bool):
    """An :class:`ImportReport` from django-import-export's ``Result``."""
    report = ImportReport(file_name=file_name, dry_run=dry_run, submit=submit)
    report.total = result.total_rows
    report.empty = len(resource.empty_rows)
    report.unchanged = len(resource.unchanged_rows)
    for error in result.base_errors:
        report.file_error(str(error.error))
    for number, row in enumerate(result.rows, 1):
        if row.import_type == RowResult.IMPORT_TYPE_NEW:
            report.new += 1
            if len(report.created) < SAMPLE_SIZE:
                report.created.append(RowChange(number + 1, row.object_repr))
        elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
            report.update += 1
            if len(report.updated) < SAMPLE_SIZE:
                report.updated.append(RowChange(number + 1, row.object_repr))
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = "" if name == NON_FIELD_ERRORS else columns.FOR_FIELD.get(name, name)
            for message in messages:
                report.errors.append(RowError(invalid.number + 1, column, message))
    for number, errors in result.row_errors():
        for error in errors:
            # An unexpected failure (a bug, the database): say so, without a traceback.
            report.errors.append(
                RowError(
                    number + 1,
                    "",
                    _("Không lưu được dòng này (lỗi hệ thống: %(error)s).")
                    % {"error": type(error.error).__name__},
                )
            )
    report.errors.sort(key=lambda error: error.row)
    return report
