"""SQL expressions writing a column as the raw CSV export writes it, per backend.

``ProgressEntryQuerySet.raw_export_rows`` selects these instead of the plain columns, so
that the database, not Python, turns a million decimals and timestamps into text
(``targets.reports.csv``): decimals without trailing zeros, dates ISO 8601, datetimes
ISO 8601 in the current time zone with its offset, to the second, and text a
spreadsheet would run as a formula prefixed with a quote (``targets.domain.formatting.safe_cell``,
the same rule in SQL).
"""

import datetime
import functools

from django.db import models
from django.utils import timezone


class TextOf(models.Func):
    """A column as text; subclasses write the SQL (``text_sql``) from the compiled
    column and its parameters."""

    output_field = models.TextField()

    def __init__(self, expression, **options):
        super().__init__(expression)
        self.options = options

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return self.text_sql(column, tuple(params), **self.options)

    def text_sql(self, column: str, params: tuple, **options) -> tuple[str, tuple]:
        raise NotImplementedError


class PostgresLocalIsoText(TextOf):
    """PostgreSQL: a timestamptz in ``zone`` (``2023-01-05T09:30:00+07:00``), as Python's
    ``value.astimezone(zone).isoformat(timespec="seconds")`` writes it."""

    def text_sql(self, column, params, *, zone):
        local = f"({column} AT TIME ZONE %s)"
        utc = f"({column} AT TIME ZONE 'UTC')"
        sql = (
            f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN {local} < {utc} THEN '' ELSE '+' END"
            f" || to_char({local} - {utc}, 'HH24:MI'))"
        )
        local_params = (*params, zone)
        return sql, (*local_params, *local_params, *params, *local_params, *params)


class PostgresDecimalText(TextOf):
    """PostgreSQL: a numeric without trailing zeros (``trim_scale``)."""

    def text_sql(self, column, params):
        return f"(trim_scale({column}))::text", params


class PostgresDateText(TextOf):
    """PostgreSQL: a date as ``YYYY-MM-DD`` whatever the ``DateStyle``."""

    def text_sql(self, column, params):
        return f"to_char({column}, 'YYYY-MM-DD')", params


class PostgresBlankAsNull(TextOf):
    """PostgreSQL: an empty string as NULL. COPY's CSV writes an empty string as ``""``
    and NULL as nothing; the export writes both as an empty cell, as ``csv.writer`` does."""

    def text_sql(self, column, params):
        return f"NULLIF({column}, '')", params


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"):
# = + - @, tab and carriage return. Kept equal to ``targets.domain.formatting.FORMULA_STARTS``.
FORMULA_STARTS_SQL = {
    "postgresql": "('=', '+', '-', '@', chr(9), chr(13))",
    "sqlite": "('=', '+', '-', '@', char(9), char(13))",
}


class SafeText(TextOf):
    """A text column with a quote before a value a spreadsheet would run as a formula
    (``=cmd|…``, ``@SUM(…)``); other values, and NULL, as they are. ``vendor`` picks the
    SQL spelling of tab and carriage return."""

    def text_sql(self, column, params, *, vendor):
        sql = (
            f"(CASE WHEN substr({column}, 1, 1) IN {FORMULA_STARTS_SQL[vendor]}"
            f" THEN '''' || {column} ELSE {column} END)"
        )
        return sql, (*params, *params, *params)


class SqliteDecimalText(TextOf):
    """SQLite: a decimal without trailing zeros, rounded to ``places`` as the ORM reads it.
    NUMERIC affinity stores 60.0000 as the integer 60 and 12.5 as a real; CAST writes
    them ``60`` and ``12.5``."""

    def text_sql(self, column, params, *, places):
        sql = (
            f"(CASE WHEN {column} = CAST({column} AS INTEGER)"
            f" THEN CAST(CAST({column} AS INTEGER) AS TEXT)"
            f" ELSE CAST(ROUND({column}, %s) AS TEXT) END)"
        )
        return sql, (*params, *params, *params, places, *params)


class SqliteLocalIsoText(TextOf):
    """SQLite: a datetime (stored as UTC text) in a zone of one fixed ``offset``
    (``2023-01-05T09:30:00+07:00``)."""

    def text_sql(self, column, params, *, offset: datetime.timedelta):
        seconds = int(offset.total_seconds())
        sign = "-" if seconds < 0 else "+"
        hours, minutes = divmod(abs(seconds) // 60, 60)
        # Whole seconds first: SQLite reads times to the millisecond, which rounds
        # 23:59:59.999999 up to the next day.
        sql = f"(strftime('%%Y-%%m-%%dT%%H:%%M:%%S', substr({column}, 1, 19), %s) || %s)"
        return sql, (*params, f"{seconds:+d} seconds", f"{sign}{hours:02d}:{minutes:02d}")


@functools.cache
def fixed_utc_offset(zone) -> datetime.timedelta | None:
    """``zone``'s UTC offset when it has been the same in every January and July from
    1976 to 2100 (no daylight saving time), else None."""
    offsets = {
        datetime.datetime(year, month, 1, tzinfo=datetime.UTC).astimezone(zone).utcoffset()
        for year in range(1976, 2101)
        for month in (1, 7)
    }
    return offsets.pop() if len(offsets) == 1 else None


def export_text(field: models.Field, name: str, vendor: str):
    """The expression selecting ``name`` (``field``, of the entry or reached through its
    relations) as text for the raw export on ``vendor``, or None where the plain column
    is already right (or, on SQLite in a zone with daylight saving time, where Python
    formats it). Text columns are always neutralised here (:class:`SafeText`), so both
    CSV writers get the same cells."""
    column = models.F(name)
    if vendor == "postgresql":
        if isinstance(field, models.DateTimeField):
            return PostgresLocalIsoText(column, zone=timezone.get_current_timezone_name())
        if isinstance(field, models.DecimalField):
            return PostgresDecimalText(column)
        if isinstance(field, models.DateField):
            return PostgresDateText(column)
        if isinstance(field, (models.CharField, models.TextField)):
            return PostgresBlankAsNull(SafeText(column, vendor=vendor))
    elif vendor == "sqlite":
        if isinstance(field, models.DateTimeField):
            offset = fixed_utc_offset(timezone.get_current_timezone())
            return None if offset is None else SqliteLocalIsoText(column, offset=offset)
        if isinstance(field, models.DecimalField):
            return SqliteDecimalText(column, places=field.decimal_places)
        if isinstance(field, (models.CharField, models.TextField)):
            return SafeText(column, vendor=vendor)
    return None
