"""Bulk import of a unit's figures from an XLSX or CSV file (issue 6).

- ``targets.entry.importing.template``: the XLSX template a reporter downloads and fills;
- ``targets.entry.importing.resource``: the django-import-export resource that reads rows
  into progress entries through ``targets.domain.services``;
- ``targets.entry.importing.report``: the preview and outcome (counts, row/column errors);
- :func:`read_dataset` (here): the uploaded bytes as a tablib ``Dataset``, refusing a
  file past the limits before it can exhaust a worker (rows, cell length, an XLSX's
  declared size and uncompressed size: see ``IMPORT_MAX_ROWS`` in the settings).

The service that runs an import is ``targets.entry.importing.run.entries_import``.
"""

import csv
import io
import re
import zipfile

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from targets.domain.formatting import number
from targets.entry.importing import columns

FORMATS = ("xlsx", "csv")
MAX_BYTES = 20 * 1024 * 1024
# No cell of a legitimate file comes near this: codes, numbers, dates, and notes of at
# most 5,000 characters (``NOTE_MAX_LENGTH``, checked per row with the form's message).
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 50  # the template has 12


class FileError(ValueError):
    """The file cannot be read as a table of figures (the message says why)."""


def file_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise FileError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    return extension


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _too_many_rows() -> FileError:
    return FileError(
        _(
            "Tệp có quá %(max)s dòng số liệu. Hãy chia thành nhiều tệp (mỗi tệp một kỳ "
            "báo cáo, như tệp mẫu)."
        )
        % {"max": number(max_rows())}
    )


def _long_cell(row: int) -> FileError:
    return FileError(
        _("Dòng %(row)d: có ô dài quá %(max)s ký tự.") % {"row": row, "max": number(MAX_CELL_CHARS)}
    )


def _check_cells(number_of_row: int, values) -> None:
    for value in values:
        if not isinstance(value, str):
            continue
        if len(value) > MAX_CELL_CHARS:
            raise _long_cell(number_of_row)
        if "\x00" in value:  # no database column takes it (PostgreSQL refuses NUL)
            raise FileError(
                _("Dòng %(row)d: có ô chứa ký tự rỗng (NUL); hãy lưu lại tệp.")
                % {"row": number_of_row}
            )


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Z]+)?(\d+)?:?([A-Z]+)?(\d+)?\"")


def _column_number(letters: bytes | None) -> int:
    total = 0
    for letter in letters or b"A":
        total = total * 26 + letter - ord("A") + 1
    return total


def check_xlsx_size(content: bytes) -> None:
    """Refuse, before parsing, an XLSX whose entries expand beyond
    ``IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES`` (a small file can unzip into gigabytes) or
    whose sheets declare more rows than ``IMPORT_MAX_ROWS`` or more columns than
    ``MAX_COLUMNS`` (``<dimension ref="A1:L5001"/>``). Raises :class:`FileError`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileError(_("Không đọc được tệp Excel này; hãy lưu lại dưới dạng .xlsx.")) from None
    limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES
    if sum(entry.file_size for entry in entries) > limit:
        raise FileError(
            _("Tệp Excel này khi giải nén lớn quá %(max)s MB; hãy chia thành nhiều tệp.")
            % {"max": number(limit // (1024 * 1024))}
        )
    for entry in entries:
        if not entry.filename.startswith("xl/worksheets/") or not entry.filename.endswith(".xml"):
            continue
        with archive.open(entry) as sheet:
            head = sheet.read(4096)
        found = _DIMENSION.search(head)
        if found is None:
            continue
        _first_col, _first_row, last_col, last_row = found.groups()
        if last_row is not None and int(last_row) > max_rows() + 1:
            raise _too_many_rows()
        if _column_number(last_col or _first_col) > MAX_COLUMNS:
            raise FileError(_("Tệp có quá %(max)d cột; hãy dùng tệp mẫu.") % {"max": MAX_COLUMNS})


def _xlsx_dataset(content: bytes) -> tablib.Dataset:
    """The first sheet of an XLSX file, read row by row (openpyxl's read-only mode), at
    most ``IMPORT_MAX_ROWS`` rows under the header: as django-import-export's XLSX
    format reads it, with the limits checked while reading."""
    check_xlsx_size(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = book.active.iter_rows(values_only=True)
        dataset = tablib.Dataset()
        header = next(rows, None)
        if header is not None:
            _check_cells(1, header)
            dataset.headers = list(header)
        for number_of_row, values in enumerate(rows, 2):
            if number_of_row > max_rows() + 1:
                raise _too_many_rows()
            _check_cells(number_of_row, values)
            dataset.append(list(values))
    except FileError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileError(_("Không đọc được tệp Excel này; hãy lưu lại dưới dạng .xlsx.")) from None
    return dataset


def _csv_dataset(content: bytes) -> tablib.Dataset:
    """A CSV file (UTF-8 with or without BOM, separated by commas or by semicolons as
    Excel writes it with Vietnamese settings), at most ``IMPORT_MAX_ROWS`` rows under
    the header and ``MAX_CELL_CHARS`` characters a cell."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (Excel: “CSV UTF-8”).")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    dataset = tablib.Dataset()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = None
    try:
        for number_of_row, row in enumerate(reader, 1):
            if number_of_row > max_rows() + 1:
                raise _too_many_rows()
            _check_cells(number_of_row, row)
            if width is None:
                width = len(row)
                dataset.headers = row
            else:
                dataset.append((row + [""] * width)[:width])
    except csv.Error:  # a field past the csv module's own limit (131,072 characters)
        raise _long_cell(reader.line_num) from None
    return dataset


def read_dataset(content: bytes, file_name: str) -> tablib.Dataset:
    """The first sheet of an XLSX file, or a CSV file (UTF-8 with or without BOM,
    separated by commas or by semicolons as Excel writes it with Vietnamese settings),
    with the template's headers. Raises :class:`FileError`, also for a file past the
    limits (``IMPORT_MAX_ROWS`` rows, ``MAX_CELL_CHARS`` characters a cell, an XLSX
    expanding past ``IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES``): nothing is read further."""
    kind = file_format(file_name)
    dataset = _xlsx_dataset(content) if kind == "xlsx" else _csv_dataset(content)
    if not dataset.headers:
        raise FileError(_("Tệp không có dòng tiêu đề."))
    dataset.headers = [columns.canonical(header) for header in dataset.headers]
    missing = [name for name in columns.REQUIRED if name not in dataset.headers]
    if missing:
        raise FileError(
            _("Tệp thiếu cột: %(columns)s. Hãy dùng tệp mẫu tải từ trang số liệu báo cáo.")
            % {"columns": ", ".join(missing)}
        )
    if not any(name in dataset.headers for name in columns.FIGURES):
        raise FileError(
            _("Tệp cần ít nhất một trong các cột: %(columns)s.")
            % {"columns": ", ".join(columns.FIGURES)}
        )
    return dataset
