"""Bulk import of a unit's figures from an XLSX or CSV file (issue 6).

- ``targets.importing.template``: the XLSX template a reporter downloads and fills;
- ``targets.importing.resource``: the django-import-export resource that reads rows
  into progress entries through ``targets.services``;
- ``targets.importing.report``: the preview and outcome (counts, row/column errors);
- :func:`read_dataset` (here): the uploaded bytes as a tablib ``Dataset``.

The service that runs an import is ``targets.importing.run.entries_import``.
"""

import csv
import io

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from targets.importing import columns

FORMATS = ("xlsx", "csv")
MAX_BYTES = 20 * 1024 * 1024


class FileError(ValueError):
    """The file cannot be read as a table of figures (the message says why)."""


def file_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise FileError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    return extension


def read_dataset(content: bytes, file_name: str) -> tablib.Dataset:
    """The first sheet of an XLSX file, or a CSV file (UTF-8 with or without BOM,
    separated by commas or by semicolons as Excel writes it with Vietnamese settings),
    with the template's headers. Raises :class:`FileError`."""
    kind = file_format(file_name)
    if kind == "xlsx":
        try:
            dataset = XLSX().create_dataset(content)
        except Exception:  # openpyxl raises many kinds for a damaged or foreign file
            raise FileError(
                _("Không đọc được tệp Excel này; hãy lưu lại dưới dạng .xlsx.")
            ) from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(
                _("Tệp CSV phải được lưu với bảng mã UTF-8 (Excel: “CSV UTF-8”).")
            ) from None
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        dataset = tablib.Dataset()
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        if rows:
            width = len(rows[0])
            dataset.headers = rows[0]
            for row in rows[1:]:
                dataset.append((row + [""] * width)[:width])
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
