"""The roll-up: a target's figure over a set of units as of a date, in one query.

:func:`rollup` is the one entry point. Pages (``targets.domain.progress``), reports
(``targets.reports``), exports and the API call it; nothing else aggregates entries.

Each unit counts with its latest approved entry whose ``period_end <= as_of``; ratios
are computed later from the sums (``targets.domain.progress.figure_from_row``), never as an
average of percentages.

One SQL path per backend, chosen by the backend alone (never by looking at a
queryset's filters):

- PostgreSQL: one pass over (target, unit at its reporting level) pairs, each unit's
  latest approved entry found by ``CROSS JOIN LATERAL (… LIMIT 1)`` on the partial
  index ``targets_entry_latest_approved``, whose included columns hold the figures: an
  index-only scan per pair, however many older entries the unit has.
- SQLite (and any other backend): the same probes give the latest entries' ids
  (``ProgressEntryQuerySet.latest_approved``); the ORM aggregates over them.

``by="period"`` gives the figure at each period end instead (a window over each
unit's approved entries, the same SQL everywhere).

With ``settings.FIGURE_CACHE`` set, results are kept in that shared cache, keyed on the
data version, the database, this code and the question (``targets.domain.figure_cache``).
"""

import datetime
import sys
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models.functions import Lag

from targets.domain import figure_cache, periods
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.domain.models import entry_queries as entry_queries_module
from targets.domain.models import units as units_module
from targets.domain.models.entry_queries import current_period_q, target_filter_sql, unit_filter_sql
from targets.domain.models.units import reporting_level_sql

BY = (None, "district", "period")

# Every row of ``rollup`` carries these (plus ``target``, and ``district`` or
# ``period_end`` when grouped by them).
SUMS = ("numerator_sum", "denominator_sum", "value_sum", "units_with_figure", "units_current")
MAXIMA = ("value_max", "last_period")


def rollup(
    *,
    as_of: datetime.date,
    plan=None,
    targets=None,
    units=None,
    by: str | None = None,
) -> list[dict]:
    """Per target of ``targets`` (a Target queryset, or an iterable of targets or
    ids; default: every target of ``plan``), over each unit's latest approved entry
    on or before ``as_of``: ``numerator_sum``, ``denominator_sum``, ``value_sum``,
    ``value_max`` (the value when one unit reported), ``units_with_figure``,
    ``units_current`` (units whose figure is for the current period) and
    ``last_period`` (the newest period end).

    ``units``: only the entries of these units (an AdministrativeUnit queryset, or an
    iterable of units); default every unit. ``by``: None (one row per target),
    ``"district"`` (one row per target and district: a commune's district is its
    parent, a district is its own, a city agency's is the city, the city's None) or
    ``"period"`` (one row per target and period end up to ``as_of`` with entries: the
    roll-up as of that period end).

    One query. A list of dicts ordered by target (then district or period end);
    targets without any figure have no row.
    """
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")
    if targets is None:
        if plan is None:
            raise ValueError("rollup needs a plan or targets")
        targets = Target.objects.filter(plan=plan)
    elif plan is not None:
        targets = _of_plan(targets, plan)
    if units is not None and not isinstance(units, models.QuerySet):
        units = AdministrativeUnit.objects.filter(pk__in=[getattr(u, "pk", u) for u in units])
    target_filter = target_filter_sql(targets)
    if target_filter is None:
        return []
    alias = router.db_for_read(ProgressEntry)
    vendor = connections[alias].vendor
    # What defines the result, for the shared figure cache (off by default).
    try:
        unit_filter = (
            None if units is None else units.order_by().values("pk").query.sql_with_params()
        )
    except EmptyResultSet:  # no unit at all (``.none()``, an empty list)
        return []
    query = (vendor, by, as_of, target_filter, unit_filter)

    def compute():
        if by == "period":
            return _by_period(targets, as_of, units)
        if vendor == "postgresql":
            return _rollup_by_probes(target_filter, as_of, units, by, alias)
        return _rollup_over_latest(targets, as_of, units, by, alias)

    return figure_cache.cached(alias, CODE_VERSION, query, compute)


def _of_plan(targets, plan):
    """``targets`` limited to ``plan`` (a queryset: no query of its own)."""
    if not isinstance(targets, models.QuerySet):
        targets = Target.objects.filter(pk__in=[getattr(t, "pk", t) for t in targets])
    return targets.filter(plan=plan)


def _rollup_by_probes(target_filter, as_of, units, by, alias) -> list[dict]:
    """PostgreSQL: the roll-up straight over one index probe per (target, unit)."""
    entry = ProgressEntry._meta.db_table
    level_match, level_params = reporting_level_sql()
    current = " ".join(
        f"WHEN '{frequency}' THEN %s::date" for frequency in periods.PERIOD_END_MONTHS
    )
    current_params = [periods.latest_period_end(f, as_of) for f in periods.PERIOD_END_MONTHS]
    keys = ["t.id"]
    columns = ["t.id AS target"]
    if by == "district":
        keys.append("district")
        columns.append("CASE WHEN u.level = 'district' THEN u.id ELSE u.parent_id END AS district")
    where, where_params = target_filter
    unit_params = []
    if units is not None:
        unit_sql, unit_params = unit_filter_sql(units)
        where += f" AND {unit_sql}"
    sql = (
        f"SELECT {', '.join(columns)}, SUM(l.numerator) AS numerator_sum,"
        " SUM(l.denominator) AS denominator_sum, SUM(l.value) AS value_sum,"
        " MAX(l.value) AS value_max, COUNT(*) AS units_with_figure,"
        f" COUNT(*) FILTER (WHERE l.period_end = CASE t.frequency {current} END)"
        " AS units_current, MAX(l.period_end) AS last_period"
        f" FROM {Target._meta.db_table} t"
        f" INNER JOIN {AdministrativeUnit._meta.db_table} u ON ({level_match})"
        " CROSS JOIN LATERAL (SELECT e.numerator, e.denominator, e.value, e.period_end"
        f" FROM {entry} e WHERE e.target_id = t.id AND e.unit_id = u.id"
        " AND e.status = %s AND e.period_end <= %s"
        " ORDER BY e.period_end DESC LIMIT 1) l"
        f" WHERE {where}"
        f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"
    )
    params = [
        *current_params,
        *level_params,
        ProgressEntry.Status.APPROVED,
        as_of,
        *where_params,
        *unit_params,
    ]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rollup_over_latest(targets, as_of, units, by, alias) -> list[dict]:
    """Other backends: the ORM's aggregates over the latest entries' ids."""
    entries = ProgressEntry.objects.using(alias).latest_approved(
        as_of, targets=targets, units=units
    )
    keys = ["target"]
    if by == "district":
        keys.append("district")
        entries = entries.annotate(
            district=models.Case(
                models.When(unit__level="district", then=models.F("unit")),
                default=models.F("unit__parent"),
            )
        )
    return list(
        entries.values(*keys)
        .annotate(
            numerator_sum=models.Sum("numerator"),
            denominator_sum=models.Sum("denominator"),
            value_sum=models.Sum("value"),
            value_max=models.Max("value"),
            units_with_figure=models.Count("id"),
            units_current=models.Count("id", filter=current_period_q(as_of)),
            last_period=models.Max("period_end"),
        )
        .order_by(*keys)
    )


def _by_period(targets, as_of, units) -> list[dict]:
    """The roll-up at each period end with approved entries, from the changes each
    period brings (:func:`_changes_by_period`), accumulated.
    ``units_current`` counts the approved entries of that very period."""
    entries = ProgressEntry.objects.all()
    if isinstance(targets, models.QuerySet):
        entries = entries.filter(target__in=targets)
    else:
        entries = entries.filter(target__in=[getattr(t, "pk", t) for t in targets])
    if units is not None:
        entries = entries.filter(unit__in=units)
    rows = []
    totals: dict = {}
    for change in _changes_by_period(entries, as_of):
        target = change["target"]
        if totals.get("target") != target:
            totals = {"target": target, "units": 0}
            for key in ("numerator_sum", "denominator_sum", "value_sum"):
                totals[key] = None
        for total, key in (
            ("numerator_sum", "numerator_change"),
            ("denominator_sum", "denominator_change"),
            ("value_sum", "value_change"),
        ):
            if change[key] is not None:
                totals[total] = (totals[total] or Decimal(0)) + change[key]
        totals["units"] += change["new_units"]
        rows.append(
            {
                "target": target,
                "period_end": change["period_end"],
                "numerator_sum": totals["numerator_sum"],
                "denominator_sum": totals["denominator_sum"],
                "value_sum": totals["value_sum"],
                "value_max": totals["value_sum"],  # used only when one unit reports
                "units_with_figure": totals["units"],
                "units_current": change["reports"],
                "last_period": change["period_end"],
            }
        )
    return rows


def _changes_by_period(entries, as_of: datetime.date) -> list[dict]:
    """Per target and period end P (``P <= as_of``), how the roll-up changes at P.

    Each approved entry replaces its unit's previous approved entry, so a roll-up at P
    is the running total, over period ends up to P, of each entry's change against the
    previous approved entry of the same (target, unit): Σ Δnumerator, Σ Δdenominator,
    Σ Δvalue, the number of units whose first figure arrives at P (``new_units``) and
    the number of approved entries at P (``reports``). :func:`_by_period`
    accumulates them. One query, one row per (target, period end) with entries (a
    list of dicts, ordered by target and period end).

    How: ``LAG()`` over each (target, unit)'s approved entries gives the previous
    figure in one pass over the target's entries; the ORM cannot aggregate over a
    window, so the grouping is a plain SQL wrapper around the ORM's query (the same
    SQL on SQLite and PostgreSQL). Assumes the queryset's filters keep or drop
    whole (target, unit) series, as ``target``/``unit``/``within`` filters do.
    """
    number = models.DecimalField(max_digits=18, decimal_places=4)
    window = {
        "partition_by": [models.F("target"), models.F("unit")],
        "order_by": models.F("period_end").asc(),
    }
    fields = ("numerator", "denominator", "value", "period_end")
    inner = (
        entries.filter(status=ProgressEntry.Status.APPROVED, period_end__lte=as_of)
        .annotate(
            **{f"previous_{f}": models.Window(Lag(f), **window) for f in fields},
        )
        .values(
            entry_target=models.F("target"),
            entry_period=models.F("period_end"),
            entry_numerator=models.F("numerator"),
            entry_denominator=models.F("denominator"),
            entry_value=models.F("value"),
            **{f"entry_previous_{f}": models.F(f"previous_{f}") for f in fields},
        )
        .order_by()
    )
    connection = connections[entries.db]
    try:
        sql, params = inner.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return []
    changes = ", ".join(
        f"SUM(entry_{f} - COALESCE(entry_previous_{f}, 0))"
        for f in ("numerator", "denominator", "value")
    )
    grouped = (
        f"SELECT entry_target, entry_period, {changes},"
        " SUM(CASE WHEN entry_previous_period_end IS NULL THEN 1 ELSE 0 END), COUNT(*)"
        f" FROM ({sql}) changes GROUP BY entry_target, entry_period"
        " ORDER BY entry_target, entry_period"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        rows = cursor.fetchall()
    # The cursor's raw values, converted as the ORM would (SQLite returns floats
    # and text dates).
    as_number = _db_converter(models.Value(Decimal(0), output_field=number), connection)
    as_date = _db_converter(models.Value(as_of, output_field=models.DateField()), connection)
    return [
        {
            "target": target_id,
            "period_end": as_date(period_end),
            "numerator_change": as_number(numerator),
            "denominator_change": as_number(denominator),
            "value_change": as_number(value),
            "new_units": new_units,
            "reports": reports,
        }
        for target_id, period_end, numerator, denominator, value, new_units, reports in rows
    ]


def _db_converter(expression, connection):
    """A function converting one raw cursor value of ``expression``'s output field as
    the ORM does (Decimal, date), None staying None."""
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def merge_rows(rows) -> dict:
    """One ``rollup`` row from rows of the same target over disjoint sets of units
    (sums are added, maxima kept; None where every row has None)."""
    merged = {}
    for key in SUMS:
        values = [row[key] for row in rows if row[key] is not None]
        merged[key] = sum(values) if values else None
    for key in MAXIMA:
        values = [row[key] for row in rows if row[key] is not None]
        merged[key] = max(values) if values else None
    return merged


# The code behind every roll-up, part of the figure cache's key (a new release never
# reads figures an older one computed).
CODE_VERSION = figure_cache.code_version(
    sys.modules[__name__], entry_queries_module, units_module, periods
)
