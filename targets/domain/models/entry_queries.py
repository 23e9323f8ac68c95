"""The progress entries' queryset: latest approved entries, the series of changes,
exports. Scope is ``targets.domain.scope``; the roll-up is ``targets.domain.rollup``."""

import datetime
import json

from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from targets.domain import periods
from targets.domain.models.plans import Target
from targets.domain.models.units import AdministrativeUnit, at_or_below_q, reporting_level_sql
from targets.domain.sqltext import export_text


def current_period_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Entries of the latest period, of their target's frequency, ending on or before
    ``as_of``: the period whose reports completeness counts."""
    q = Q()
    for frequency in periods.PERIOD_END_MONTHS:
        q |= Q(
            **{
                f"{prefix}target__frequency": frequency,
                f"{prefix}period_end": periods.latest_period_end(frequency, as_of),
            }
        )
    return q


def _field_at(model, path: str):
    """The field ``path`` (``unit__parent__code``) names, following relations."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class EqualsAnyOf(models.lookups.Lookup):
    """``lhs = ANY(ARRAY(<subquery>))`` (PostgreSQL): the subquery runs once, and its
    values are looked up in the index of ``lhs``."""

    lookup_name = "equals_any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def target_filter_sql(targets, column: str = "t.id") -> tuple[str, list] | None:
    """SQL limiting ``column`` to ``targets`` (a Target queryset, compiled as a
    subquery, or an iterable of targets or ids) and its parameters; None when the
    iterable is empty."""
    if isinstance(targets, models.QuerySet):
        sql, params = targets.order_by().values("pk").query.sql_with_params()
        return f"{column} IN ({sql})", list(params)
    ids = sorted({getattr(target, "pk", target) for target in targets})
    if not ids:
        return None
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def unit_filter_sql(units, column: str = "u.id") -> tuple[str, list]:
    """SQL limiting ``column`` to ``units`` (an AdministrativeUnit queryset, compiled as
    a subquery, or an iterable of units or ids) and its parameters; an empty iterable
    matches nothing."""
    if isinstance(units, models.QuerySet):
        sql, params = units.order_by().values("pk").query.sql_with_params()
        return f"{column} IN ({sql})", list(params)
    ids = sorted({getattr(unit, "pk", unit) for unit in units})
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def pair_filter_sql(pairs, vendor: str) -> tuple[str, list]:
    """SQL limiting ``(t.id, u.id)`` to ``pairs`` (an iterable of (target id, unit id))
    and its parameters: two parameters whatever the number of pairs (PostgreSQL: two
    arrays, unnested; SQLite: one JSON array, read by ``json_each``)."""
    pairs = sorted(set(pairs))
    if vendor == "postgresql":
        return (
            "(t.id, u.id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
            [[t for t, _u in pairs], [u for _t, u in pairs]],
        )
    return (
        "(t.id, u.id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        " FROM json_each(%s))",
        [json.dumps(pairs)],
    )


def latest_approved_ids_sql(target_filter: tuple[str, list], as_of, entry_model, unit_filter=None):
    """SQL (and its parameters) selecting, for each target of ``target_filter`` (see
    :func:`target_filter_sql`) and each unit at its reporting level (active or not;
    only those of ``unit_filter``, see :func:`unit_filter_sql` and
    :func:`pair_filter_sql`, when given), the id of the unit's latest approved entry
    with ``period_end <= as_of`` (NULL when there is none); ``as_of`` is a date, or
    {target id: date} for a date per target (each target's own current period).

    One probe of the partial index ``targets_entry_latest_approved`` (target, unit,
    period_end DESC) per pair: its cost follows the number of targets and units asked
    about, not of entries. The same SQL runs on SQLite and PostgreSQL. Entries of a
    unit that is not at the target's reporting level (``ProgressEntry.clean`` refuses
    them) are not found this way.
    """
    entry_table = entry_model._meta.db_table
    target = Target._meta.db_table
    unit = AdministrativeUnit._meta.db_table
    level_match, level_params = reporting_level_sql()
    where, where_params = target_filter
    if unit_filter is not None:
        where = f"{where} AND {unit_filter[0]}"
        where_params = [*where_params, *unit_filter[1]]
    if isinstance(as_of, dict):
        day = "CASE t.id " + " ".join(["WHEN %s THEN %s"] * len(as_of)) + " END"
        day_params = [value for pair in sorted(as_of.items()) for value in pair]
    else:
        day, day_params = "%s", [as_of]
    sql = (
        f"SELECT (SELECT e.id FROM {entry_table} e WHERE e.target_id = t.id AND e.unit_id = u.id"
        f" AND e.status = %s AND e.period_end <= {day} ORDER BY e.period_end DESC LIMIT 1)"
        f" FROM {target} t INNER JOIN {unit} u ON ({level_match})"
        f" WHERE {where}"
    )
    return sql, [entry_model.Status.APPROVED, *day_params, *level_params, *where_params]


class ProgressEntryQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def within(self, unit):
        """Entries of ``unit`` and of every unit below it."""
        return self.filter(at_or_below_q([unit.pk], prefix="unit__"))

    def with_previous_approved(self):
        """Each entry with its unit's previous approved figure of the same target (the
        latest approved entry of an earlier period): ``previous_numerator``,
        ``previous_denominator``, ``previous_value``, ``previous_period_end`` (None when
        there is none). One correlated subquery per column, each one index probe."""
        previous = self.model.objects.filter(
            target=models.OuterRef("target"),
            unit=models.OuterRef("unit"),
            status=self.model.Status.APPROVED,
            period_end__lt=models.OuterRef("period_end"),
        ).order_by("-period_end")
        return self.annotate(
            **{
                f"previous_{name}": models.Subquery(previous.values(name)[:1])
                for name in ("numerator", "denominator", "value", "period_end")
            }
        )

    def latest_approved(self, as_of, *, targets=None, units=None, pairs=None):
        """Each (target, unit)'s latest approved entry with ``period_end <= as_of`` (a
        date, or {target id: date}: each target's own day), for
        the targets ``targets`` (a Target queryset, or an iterable of targets or ids)
        and the units ``units`` (an AdministrativeUnit queryset, or an iterable of units
        or ids; default every unit); or for the very (target id, unit id) ``pairs``.

        One row per (target, unit) pair; only approved entries count. The filters of
        this queryset narrow the rows; they never change which entry is a unit's
        latest, nor which pairs are probed: pass the units of a scope as ``units``.

        How (a hidden cost): one index probe per (target, unit of ``units`` at the
        target's reporting level) on ``targets_entry_latest_approved``, whatever the
        number of older entries (:func:`latest_approved_ids_sql`, the same probes on
        every backend): a district's page probes its own units, not the city's.
        """
        vendor = connections[self.db].vendor
        if pairs is not None:
            pairs = [(target, unit) for target, unit in pairs]
            targets = {target for target, _unit in pairs}
            unit_filter = pair_filter_sql(pairs, vendor)
        else:
            unit_filter = None if units is None else unit_filter_sql(units)
        target_filter = target_filter_sql(targets)
        if target_filter is None:
            return self.none()
        last = max(as_of.values()) if isinstance(as_of, dict) else as_of
        approved = self.filter(status=self.model.Status.APPROVED, period_end__lte=last)
        sql, params = latest_approved_ids_sql(target_filter, as_of, self.model, unit_filter)
        ids = RawSQL(sql, params, output_field=models.BigIntegerField())
        if vendor == "postgresql":
            # ``id = ANY(ARRAY(...))``: the ids are computed once (an InitPlan), then
            # fetched by primary key; ``id IN (...)`` lets the planner hash-join the
            # probes against every entry of the targets instead.
            return approved.filter(EqualsAnyOf(models.F("pk"), ids))
        return approved.filter(pk__in=ids)

    def latest_approved_period(self, plan, *, units, on_or_before: datetime.date):
        """The newest period end of an approved entry of ``plan``'s targets among
        ``units`` (a queryset or ids) on or before ``on_or_before``, as a subquery-ready
        queryset of one value (``plan`` may be an ``OuterRef``). Read newest first from
        the entries' period index: it stops at the first approved entry it meets."""
        return (
            self.filter(
                target__plan=plan,
                unit__in=units,
                status=self.model.Status.APPROVED,
                period_end__lte=on_or_before,
            )
            .order_by("-period_end")
            .values("period_end")[:1]
        )

    # --- Reports and exports (targets.reports) ---

    def unit_figures(self, as_of: datetime.date, *, targets, units=None):
        """Each (target, unit)'s latest approved figure on or before ``as_of``, for
        ``targets`` and ``units`` (as :meth:`latest_approved`), as dicts: ``target``, ``unit`` (ids),
        ``value``, ``numerator``, ``denominator`` (in the target's unit),
        ``period_end``, ``approved_at``, and the source of the figure (``note``,
        ``evidence_url``). One query."""
        return (
            self.latest_approved(as_of, targets=targets, units=units)
            .values(
                "target",
                "unit",
                "value",
                "numerator",
                "denominator",
                "period_end",
                "approved_at",
                "note",
                "evidence_url",
            )
            .order_by()
        )

    def current_period(self, as_of: datetime.date):
        """Entries, of any status, of the latest period of their target's frequency
        ending on or before ``as_of``: the period completeness counts."""
        return self.filter(current_period_q(as_of))

    def plan_entries(self, plan, *, as_of: datetime.date, within=None):
        """Entries of every status of ``plan``'s targets for periods ending on or before
        ``as_of``, inside ``within`` (a unit) when given: the raw-data export's rows."""
        entries = self.filter(target__plan=plan, period_end__lte=as_of)
        return entries.within(within) if within is not None else entries

    # Column order of ``raw_export_rows``; the CSV headers follow it.
    RAW_EXPORT_FIELDS = (
        "pk",
        "target__plan__code",
        "target__code",
        "target__name",
        "unit__code",
        "unit__name",
        "unit__level",
        "unit__parent__code",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "status",
        "note",
        "evidence_url",
        "review_note",
        "created_by__username",
        "created_at",
        "updated_by__username",
        "updated_at",
        "submitted_at",
        "approved_by__username",
        "approved_at",
        "version",
    )

    def raw_export_rows(self):
        """Every entry, whatever its status, as a tuple in ``RAW_EXPORT_FIELDS`` order:
        plan, target and unit codes and names, the figures as stored, the workflow state,
        and who recorded, last changed and approved it, when (aware datetimes).

        The decimals and datetimes arrive already as the raw CSV writes them (decimals
        without trailing zeros; datetimes ISO 8601 in the current time zone with its
        offset, to the second): on PostgreSQL every column is text (``COPY`` writes the
        CSV), on SQLite the decimals, and the datetimes when the time zone has had one
        offset since 1976 (Asia/Ho_Chi_Minh has); elsewhere they are aware datetimes.
        Parsing four timestamps per row in Python cost more than everything else the
        export does.

        One query: codes and usernames come through joins, never per-row lookups.
        In the order entries were recorded (by id: an index scan; sorting a million
        rows by plan, target and unit would cost more than writing them). Iterate with
        ``.iterator(chunk_size=...)`` to keep memory constant.
        """
        vendor = connections[self.db].vendor
        fields = []
        for name in self.RAW_EXPORT_FIELDS:
            text = name != "pk" and export_text(_field_at(self.model, name), name, vendor)
            fields.append(text or name)
        return self.order_by("pk").values_list(*fields)
