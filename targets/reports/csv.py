"""CSV exports: the status of each target, and the raw progress entries for analysts.

Both are UTF-8 with a byte-order mark so that Excel opens Vietnamese text correctly.
Numbers use a decimal point and dates ISO 8601, for machines; the XLSX and PDF exports
are the ones formatted for people. Figures are rounded as on screen
(``targets.domain.formatting.export_number``); text a spreadsheet would run as a formula gets a
leading quote (``safe_cell`` here, the same rule in SQL for the raw export).
"""

import csv
import datetime
import functools
import io
import time
from collections.abc import Iterator
from decimal import Decimal

from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from targets.domain.formatting import (
    decimal_text,
    export_number,
    export_part,
    machine_text,
    safe_cell,
    status_text,
)
from targets.domain.models import ProgressEntry, ProgressEntryQuerySet
from targets.reports.data import ReportData, expected_figure

BOM = "\ufeff"
CHUNK_SIZE = 5000  # rows fetched per round trip and written per chunk of the response

STATUS_HEADERS = [
    gettext_lazy("Mã kế hoạch"),
    gettext_lazy("Phạm vi"),
    gettext_lazy("Ngày số liệu"),
    gettext_lazy("Mã trụ cột"),
    gettext_lazy("Trụ cột"),
    gettext_lazy("Mã chỉ tiêu"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Loại số liệu"),
    gettext_lazy("So sánh"),
    gettext_lazy("Giá trị mục tiêu"),
    gettext_lazy("Số liệu"),
    gettext_lazy("Tử số"),
    gettext_lazy("Mẫu số"),
    gettext_lazy("Mức kỳ vọng"),
    gettext_lazy("Mã trạng thái"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Đơn vị đã báo cáo kỳ này"),
    gettext_lazy("Đơn vị phải báo cáo"),
    gettext_lazy("Tỷ lệ báo cáo (%)"),
    gettext_lazy("Kỳ báo cáo gần nhất"),
]

# One header per field of ``ProgressEntryQuerySet.RAW_EXPORT_FIELDS``, in that order.
ENTRY_HEADERS = [
    gettext_lazy("Mã số liệu"),
    gettext_lazy("Mã kế hoạch"),
    gettext_lazy("Mã chỉ tiêu"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Cấp"),
    gettext_lazy("Mã đơn vị cấp trên"),
    gettext_lazy("Kỳ báo cáo (ngày cuối kỳ)"),
    gettext_lazy("Tử số"),
    gettext_lazy("Mẫu số"),
    gettext_lazy("Giá trị"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Ghi chú"),
    gettext_lazy("Đường dẫn minh chứng"),
    gettext_lazy("Ý kiến người duyệt"),
    gettext_lazy("Người nhập"),
    gettext_lazy("Thời điểm nhập"),
    gettext_lazy("Người sửa cuối"),
    gettext_lazy("Thời điểm sửa cuối"),
    gettext_lazy("Thời điểm gửi duyệt"),
    gettext_lazy("Người duyệt"),
    gettext_lazy("Thời điểm duyệt"),
    gettext_lazy("Phiên bản"),
]
assert len(ENTRY_HEADERS) == len(ProgressEntryQuerySet.RAW_EXPORT_FIELDS)


def export_status_csv(report: ReportData) -> bytes:
    """One row per target of ``report``: codes, names, figures and status (UTF-8, BOM)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header in STATUS_HEADERS])
    scope = report.within.code if report.within is not None else ""
    for figure in report.figures:
        target = figure.target
        row = [
            report.plan.code,
            scope,
            report.as_of.isoformat(),
            target.pillar.code,
            target.pillar.display_name,
            target.code,
            target.display_name,
            target.measure,
            target.comparator,
            export_number(target.target_value),
            export_number(figure.value),
            export_part(figure.numerator),
            export_part(figure.denominator),
            export_number(expected_figure(figure)),
            figure.status.value,
            status_text(figure),
            figure.reported,
            figure.expected,
            export_number(figure.completeness),
            figure.last_period,
        ]
        writer.writerow([machine_text(safe_cell(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _raw_row_converter(row: tuple):
    """A function turning one raw cursor row of ``raw_export_rows`` into CSV cells, or
    None when ``row`` (the first) shows the database formatted every cell already.

    Only decimals and datetimes go through Python (``targets.domain.formatting.machine_text``
    gives their text; a naive datetime is UTC, as SQLite stores it); ``csv.writer`` writes the rest
    itself, in C: strings as they are, ints and dates with ``str()`` (ISO dates), None
    as an empty cell. Datetimes repeat (entries approved together), so their text is
    cached.
    """
    decimals, datetimes = [], []
    for index, path in enumerate(ProgressEntryQuerySet.RAW_EXPORT_FIELDS):
        model, *relations, name = [ProgressEntry, *path.split("__")]
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if type(row[index]) is str:
            continue
        if isinstance(field, models.DateTimeField):
            datetimes.append(index)
        elif isinstance(field, models.DecimalField):
            decimals.append(index)
    if not decimals and not datetimes:
        return None
    zone = timezone.get_current_timezone()

    @functools.lru_cache(maxsize=4096)
    def local(value: datetime.datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(zone).isoformat(timespec="seconds")

    def convert(row: tuple) -> list:
        cells = list(row)
        for index in decimals:
            if type(cells[index]) is Decimal:
                cells[index] = decimal_text(cells[index])
        for index in datetimes:
            if type(cells[index]) is datetime.datetime:
                cells[index] = local(cells[index])
        return cells

    return convert


def export_entries_csv(entries, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The raw entries of ``entries`` (a ProgressEntry queryset, already scoped), every
    status, in the order they were recorded, as chunks of UTF-8 CSV starting with a BOM
    and the header row; lines end with ``\\n``.

    One query, streamed: memory stays constant whatever the number of entries. On
    PostgreSQL the database writes the CSV itself (``COPY (query) TO STDOUT``, see
    :func:`_copy_csv`); elsewhere ``iterator(chunk_size)`` fetches the rows and each
    chunk is written with one ``writerows`` call. Feed it to a ``StreamingHttpResponse``
    or write it to a file.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write(BOM)
    writer.writerow([str(header) for header in ENTRY_HEADERS])
    yield buffer.getvalue().encode("utf-8")
    rows = entries.raw_export_rows()
    if connections[rows.db].vendor == "postgresql":
        yield from _copy_csv(rows, connections[rows.db])
    else:
        yield from _python_csv(rows, chunk_size)


def _python_csv(rows, chunk_size: int) -> Iterator[bytes]:
    """The rows of ``rows`` (``raw_export_rows``) as CSV written by ``csv.writer``, one
    piece per chunk of ``chunk_size`` rows. The ORM's SQL runs on a bare cursor
    (``chunked_cursor``: server-side where the backend has them): the columns arrive
    as text already, and the ORM's per-row conversions cost more than writing them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    connection = connections[rows.db]
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        first, convert = True, None
        while chunk := cursor.fetchmany(chunk_size):
            if first:
                first, convert = False, _raw_row_converter(chunk[0])
            writer.writerows(map(convert, chunk) if convert else chunk)
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()


COPY_CHUNK_BYTES = 256 * 1024


def _copy_csv(rows, connection) -> Iterator[bytes]:
    """PostgreSQL: the rows of ``rows`` (``raw_export_rows``: every column already text
    as the export writes it) as CSV written by the server, ``COPY (…) TO STDOUT``,
    yielded in pieces of about ``COPY_CHUNK_BYTES``. Python only passes the bytes on:
    no row becomes a Python object.

    COPY takes no bind parameters, so the ORM's SQL is bound on the client
    (``ClientCursor.mogrify``, psycopg's own quoting). COPY does not go through
    ``cursor.execute``, so the statement is added to ``connection.queries_log`` by hand
    when queries are being logged (``DEBUG``, ``assertNumQueries``).
    """
    from psycopg import ClientCursor

    sql, params = rows.query.sql_with_params()
    connection.ensure_connection()
    statement = ClientCursor(connection.connection).mogrify(sql, params)
    statement = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)"
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": statement, "time": f"{time.monotonic() - started:.3f}"}
            )
        pieces, size = [], 0
        try:
            for data in copy:
                pieces.append(bytes(data))  # a view of a buffer libpq may reuse
                size += len(data)
                if size >= COPY_CHUNK_BYTES:
                    yield b"".join(pieces)
                    pieces, size = [], 0
        except GeneratorExit:
            # The client went away. Leaving the block now would make psycopg cancel the
            # COPY, which aborts an enclosing transaction (a test's, or an atomic
            # request's): let the server finish instead, reading and dropping the rest.
            for _data in copy:
                pass
            raise
        if pieces:
            yield b"".join(pieces)
