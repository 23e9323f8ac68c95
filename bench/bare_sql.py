"""The bare SQL that computes the figures each page shows, hand-written per backend.

Each function returns the statements (SQL, parameters) one page's figures need; the
harness runs them straight on the DB-API cursor (no ORM, no templates) and compares
their time with the whole request. Two ways of finding each (target, unit)'s latest
approved entry are written for each backend and the harness keeps the faster:

- ``probe``: one index probe per (target, unit at the target's reporting level) on
  ``targets_entry_latest_approved`` (PostgreSQL: ``CROSS JOIN LATERAL ... LIMIT 1``;
  SQLite: a correlated ``LIMIT 1`` subquery giving the rowid);
- ``scan``: read every approved entry of the targets once (PostgreSQL ``DISTINCT ON``,
  SQLite ``GROUP BY`` with ``MAX(period_end)`` and its bare columns).
"""

import datetime

from django.conf import settings

from targets.domain import periods
from targets.domain.models.units import reporting_level_sql

ENTRY = "targets_progressentry"
TARGET = "targets_target"
UNIT = "targets_administrativeunit"


DISTRICT = "CASE WHEN u.level = 'district' THEN u.id WHEN u.level = 'commune' THEN u.parent_id END"


def latest_cte(vendor: str, way: str, target_filter: str, target_params: list, as_of):
    """``latest``: target_id, frequency, unit_id, district_id and the figures of each
    (target, unit)'s latest approved entry on or before ``as_of``."""
    columns = "e.numerator, e.denominator, e.value, e.period_end"
    if way == "probe":
        match, match_params = reporting_level_sql()
        if vendor == "postgresql":
            sql = (
                f"SELECT t.id AS target_id, t.frequency, u.id AS unit_id, {DISTRICT} AS district_id,"
                f" l.* FROM {TARGET} t JOIN {UNIT} u ON ({match})"
                f" CROSS JOIN LATERAL (SELECT {columns} FROM {ENTRY} e"
                f" WHERE e.target_id = t.id AND e.unit_id = u.id AND e.status = 'approved'"
                f" AND e.period_end <= %s ORDER BY e.period_end DESC LIMIT 1) l"
                f" WHERE {target_filter}"
            )
            return sql, [*match_params, as_of, *target_params]
        sql = (
            f"SELECT t.id AS target_id, t.frequency, u.id AS unit_id, {DISTRICT} AS district_id,"
            f" {columns} FROM {TARGET} t JOIN {UNIT} u ON ({match})"
            f" JOIN {ENTRY} e ON e.id = (SELECT x.id FROM {ENTRY} x"
            f" WHERE x.target_id = t.id AND x.unit_id = u.id AND x.status = 'approved'"
            f" AND x.period_end <= %s ORDER BY x.period_end DESC LIMIT 1)"
            f" WHERE {target_filter}"
        )
        return sql, [*match_params, as_of, *target_params]
    # scan
    if vendor == "postgresql":
        sql = (
            f"SELECT DISTINCT ON (e.target_id, e.unit_id) e.target_id, t.frequency,"
            f" e.unit_id, {DISTRICT} AS district_id, {columns}"
            f" FROM {ENTRY} e JOIN {TARGET} t ON t.id = e.target_id JOIN {UNIT} u ON u.id = e.unit_id"
            f" WHERE e.status = 'approved' AND e.period_end <= %s AND {target_filter}"
            f" ORDER BY e.target_id, e.unit_id, e.period_end DESC"
        )
        return sql, [as_of, *target_params]
    # SQLite: with MAX(), the other bare columns come from the row holding the maximum.
    sql = (
        f"SELECT e.target_id, t.frequency, e.unit_id, {DISTRICT} AS district_id,"
        f" e.numerator, e.denominator, e.value, MAX(e.period_end) AS period_end"
        f" FROM {ENTRY} e JOIN {TARGET} t ON t.id = e.target_id JOIN {UNIT} u ON u.id = e.unit_id"
        f" WHERE e.status = 'approved' AND e.period_end <= %s AND {target_filter}"
        f" GROUP BY e.target_id, e.unit_id"
    )
    return sql, [as_of, *target_params]


def _aggregates(as_of: datetime.date) -> tuple[str, list]:
    """The roll-up's sums and counts over ``latest`` rows (see ``rollup``)."""
    current = " ".join(f"WHEN '{frequency}' THEN %s" for frequency in periods.PERIOD_END_MONTHS)
    params = [periods.latest_period_end(f, as_of) for f in periods.PERIOD_END_MONTHS]
    sql = (
        "SUM(numerator), SUM(denominator), SUM(value), MAX(value), COUNT(*),"
        f" SUM(CASE WHEN period_end = (CASE frequency {current} END) THEN 1 ELSE 0 END),"
        " MAX(period_end)"
    )
    return sql, params


def _expected_units(as_of):
    sql = (
        f"SELECT level, kind, parent_id, COUNT(*) FROM {UNIT}"
        " WHERE (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"
        " GROUP BY level, kind, parent_id"
    )
    return sql, [as_of, as_of]


def _with(vendor, way, target_filter, target_params, as_of):
    cte, params = latest_cte(vendor, way, target_filter, target_params, as_of)
    materialized = "MATERIALIZED " if vendor in ("postgresql", "sqlite") else ""
    return f"WITH latest AS {materialized}({cte}) ", params


def dashboard(vendor, way, plan_id, as_of):
    """Per target of the plan: the city roll-up; per (target, district): the league.
    PostgreSQL groups both ways in one pass (``GROUPING SETS``); SQLite has no
    grouping sets and reads a materialized CTE twice."""
    aggs, agg_params = _aggregates(as_of)
    if vendor == "postgresql":
        cte, params = latest_cte(vendor, way, "t.plan_id = %s", [plan_id], as_of)
        sql = (
            f"SELECT target_id, district_id, {aggs} FROM ({cte}) latest"
            " GROUP BY GROUPING SETS ((target_id), (target_id, district_id))"
        )
        return [(sql, [*agg_params, *params]), _expected_units(as_of)]
    head, params = _with(vendor, way, "t.plan_id = %s", [plan_id], as_of)
    sql = (
        head + f"SELECT target_id, NULL, {aggs} FROM latest GROUP BY target_id"
        f" UNION ALL SELECT target_id, district_id, {aggs} FROM latest"
        " WHERE district_id IS NOT NULL GROUP BY target_id, district_id"
    )
    return [(sql, [*params, *agg_params, *agg_params]), _expected_units(as_of)]


def target_table(vendor, way, plan_id, as_of):
    """Per target of the plan: the city roll-up."""
    head, params = _with(vendor, way, "t.plan_id = %s", [plan_id], as_of)
    aggs, agg_params = _aggregates(as_of)
    sql = head + f"SELECT target_id, {aggs} FROM latest GROUP BY target_id"
    return [(sql, [*params, *agg_params]), _expected_units(as_of)]


def target_detail(vendor, way, target_id, as_of):
    """One target: its units' latest figures, the district and city roll-ups (from
    the same rows), and the city figure at each period end (changes per period)."""
    head, params = _with(vendor, way, "t.id = %s", [target_id], as_of)
    aggs, agg_params = _aggregates(as_of)
    sql = (
        head + "SELECT unit_id, NULL, numerator, denominator, value, value, 1, 0,"
        " period_end FROM latest"
        f" UNION ALL SELECT NULL, district_id, {aggs} FROM latest"
        " WHERE district_id IS NOT NULL GROUP BY district_id"
        f" UNION ALL SELECT NULL, NULL, {aggs} FROM latest"
    )
    series = (
        "SELECT period_end, SUM(numerator - COALESCE(prev_numerator, 0)),"
        " SUM(denominator - COALESCE(prev_denominator, 0)), SUM(value - COALESCE(prev_value, 0)),"
        " SUM(CASE WHEN prev_period IS NULL THEN 1 ELSE 0 END), COUNT(*) FROM ("
        " SELECT period_end, numerator, denominator, value,"
        " LAG(numerator) OVER w AS prev_numerator, LAG(denominator) OVER w AS prev_denominator,"
        " LAG(value) OVER w AS prev_value, LAG(period_end) OVER w AS prev_period"
        f" FROM {ENTRY} WHERE target_id = %s AND status = 'approved' AND period_end <= %s"
        " WINDOW w AS (PARTITION BY unit_id ORDER BY period_end)) s"
        " GROUP BY period_end ORDER BY period_end"
    )
    return [
        (sql, [*params, *agg_params, *agg_params]),
        (series, [target_id, as_of]),
        _expected_units(as_of),
    ]


def unit_page(vendor, way, key, as_of):
    """One district of one plan (``key`` = (plan id, district id)), read from that
    district's entries alone: per target, the district's roll-up over itself and its
    communes and each unit's latest figure (the commune grid), the same as of the end of
    the previous month (the page's changes), and the expected units."""
    plan_id, district_id = key
    statements = []
    previous = periods.latest_period_end(
        "monthly", as_of.replace(day=1) - datetime.timedelta(days=1)
    )
    for day in (as_of, previous):
        aggs, agg_params = _aggregates(day)
        head, params = _with(
            vendor,
            way,
            "t.plan_id = %s AND (u.id = %s OR u.parent_id = %s)",
            [plan_id, district_id, district_id],
            day,
        )
        sql = (
            head + f"SELECT target_id, NULL, {aggs} FROM latest GROUP BY target_id"
            " UNION ALL SELECT target_id, unit_id, numerator, denominator, value, value, 1, 0,"
            " period_end FROM latest"
        )
        statements.append((sql, [*params, *agg_params]))
    return [*statements, _expected_units(as_of)]


def completeness(vendor, way, plan_id, as_of):
    """What the completeness page shows of a plan: per (district, state) the reports due
    and the late ones, and each report not approved with its unit's last approved
    period. The grid: every target of the plan with its period due and due days (the
    plan's own or the default), times every active unit at its reporting level, with
    the entry of that period if any. The same statements for both ways (the last
    approved period is one probe per report not approved)."""
    freqs = list(periods.PERIOD_END_MONTHS)
    pg = vendor == "postgresql"
    cast = "::date" if pg else ""
    period = "CASE t.frequency " + " ".join(f"WHEN '{f}' THEN %s{cast}" for f in freqs) + " END"
    period_params = [periods.latest_period_end(f, as_of) for f in freqs]
    days = (
        "CASE t.frequency "
        + " ".join(
            f"WHEN '{f}' THEN COALESCE(p.due_days_{f}, {settings.TARGETS_DUE_DAYS[f]})"
            for f in freqs
        )
        + " END"
    )
    match, match_params = reporting_level_sql()
    due = (
        f"SELECT t.id, t.reporting_units, {period} AS period_end, {days} AS days, p.start_date"
        f" FROM {TARGET} t JOIN targets_plan p ON p.id = t.plan_id WHERE t.plan_id = %s"
    )
    grid = (
        f"FROM ({due}) d JOIN {TARGET} t ON t.id = d.id JOIN {UNIT} u ON ({match})"
        " AND (u.valid_from IS NULL OR u.valid_from <= %s)"
        " AND (u.valid_to IS NULL OR u.valid_to >= %s)"
        f" LEFT JOIN {ENTRY} e ON e.target_id = d.id AND e.unit_id = u.id"
        " AND e.period_end = d.period_end WHERE d.period_end >= d.start_date"
    )
    grid_params = [*period_params, plan_id, *match_params, as_of, as_of]
    if pg:
        submitted_day = "(e.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        deadline = "d.period_end + d.days"
        not_approved = "e.status IS DISTINCT FROM 'approved'"
    else:  # Asia/Ho_Chi_Minh is UTC+7 all year
        submitted_day = "date(e.submitted_at, '+7 hours')"
        deadline = "date(d.period_end, '+' || d.days || ' days')"
        not_approved = "e.status IS NOT 'approved'"
    counts = (
        f"SELECT {DISTRICT}, COALESCE(e.status, 'not_entered'), COUNT(*),"
        " SUM(CASE WHEN e.status IN ('submitted', 'approved')"
        f" THEN CASE WHEN {submitted_day} > {deadline} THEN 1 ELSE 0 END"
        f" WHEN %s{cast} > {deadline} THEN 1 ELSE 0 END)"
        f" {grid} GROUP BY 1, 2"
    )
    missing = (
        f"SELECT d.id, u.id, e.status, (SELECT x.period_end FROM {ENTRY} x"
        " WHERE x.target_id = d.id AND x.unit_id = u.id AND x.status = 'approved'"
        " AND x.period_end <= %s ORDER BY x.period_end DESC LIMIT 1)"
        f" {grid} AND {not_approved}"
    )
    return [(counts, [as_of, *grid_params]), (missing, [as_of, *grid_params])]


PAGES = {"dashboard": dashboard, "target-list": target_table, "target-detail": target_detail}
# The screens of issue 19 with a bare-SQL budget; their key is given by the harness.
SCREENS = {"unit-page": unit_page, "completeness": completeness}
