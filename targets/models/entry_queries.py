"""The progress entries' queryset: scope, latest approved figures, roll-ups, exports."""

import datetime
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lag
from django.db.models.sql.where import AND, WhereNode

from targets import periods
from targets.models.base import user_is_plan_administrator
from targets.models.memberships import Membership
from targets.models.plans import Target
from targets.models.units import REPORTING_LEVEL_KEYS, AdministrativeUnit
from targets.sqltext import export_text


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


def _entry_scope_q(user, roles) -> Q:
    units = AdministrativeUnit.objects.for_scope(user, roles)
    return Q(unit__in=units) | Q(
        target__reporting_units=Target.ReportingUnits.CITY,
        unit__level=AdministrativeUnit.Level.CITY,
        unit__kind=AdministrativeUnit.Kind.CITY,
        target__responsible_unit__in=units,
    )


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


class EqualsAnyOf(models.lookups.Lookup):
    """``lhs = ANY(ARRAY(<subquery>))`` (PostgreSQL): the subquery runs once, and its
    values are looked up in the index of ``lhs``."""

    lookup_name = "equals_any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def reporting_level_match_sql() -> tuple[str, list]:
    """SQL matching a target ``t`` with the units ``u`` at its reporting level (see
    ``REPORTING_LEVEL_KEYS``), and its parameters."""
    sql = " OR ".join(
        "(t.reporting_units = %s"
        + "".join(
            f" AND u.{column} = %s" for column, value in (("level", lv), ("kind", kd)) if value
        )
        + ")"
        for lv, kd in REPORTING_LEVEL_KEYS.values()
    )
    params = []
    for reporting_units, (lv, kd) in REPORTING_LEVEL_KEYS.items():
        params += [reporting_units, *(value for value in (lv, kd) if value)]
    return sql, params


def latest_approved_ids_sql(target_ids: list[int], as_of: datetime.date) -> tuple[str, list]:
    """SQL (and its parameters) selecting, for each target of ``target_ids`` and each
    unit at its reporting level (active or not), the id of the unit's latest approved
    entry with ``period_end <= as_of`` (NULL when there is none).

    One probe of the partial index ``targets_entry_latest_approved`` (target, unit,
    period_end DESC) per pair: its cost follows the number of targets and units, not
    of entries. The same SQL runs on SQLite and PostgreSQL. Entries of a unit that is
    not at the target's reporting level (``ProgressEntry.clean`` refuses them) are not
    found this way.
    """
    from targets.models.entries import ProgressEntry

    entry = ProgressEntry._meta.db_table
    target = Target._meta.db_table
    unit = AdministrativeUnit._meta.db_table
    level_match, level_params = reporting_level_match_sql()
    placeholders = ", ".join(["%s"] * len(target_ids))
    sql = (
        f"SELECT (SELECT e.id FROM {entry} e WHERE e.target_id = t.id AND e.unit_id = u.id"
        f" AND e.status = %s AND e.period_end <= %s ORDER BY e.period_end DESC LIMIT 1)"
        f" FROM {target} t INNER JOIN {unit} u ON ({level_match})"
        f" WHERE t.id IN ({placeholders})"
    )
    return sql, [ProgressEntry.Status.APPROVED, as_of, *level_params, *target_ids]


class ProgressEntryQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def within(self, unit):
        """Entries of ``unit`` and of every unit below it."""
        return self.filter(
            Q(unit=unit.pk) | Q(unit__parent=unit.pk) | Q(unit__parent__parent=unit.pk)
        )

    def for_scope(self, user, roles=None):
        """Entries ``user`` may see (with one of ``roles``, if given): those of the units
        of its scope (see ``AdministrativeUnit.for_scope``), and the city figure of the
        city-wide targets a unit of its scope leads."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        return self.filter(_entry_scope_q(user, roles))

    def for_admin(self, user):
        """Entries ``user`` works on in the admin: every entry in its reporter scope,
        and the entries past draft in its reviewer scope (drafts are the reporter's own
        work until submitted). Superusers and plan administrators see all."""
        if user.is_superuser or user_is_plan_administrator(user):
            return self.all()
        return self.filter(
            _entry_scope_q(user, [Membership.Role.REPORTER])
            | (
                _entry_scope_q(user, [Membership.Role.REVIEWER])
                & ~Q(status=self.model.Status.DRAFT)
            )
        )

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

    def latest_approved(self, as_of: datetime.date):
        """Each (target, unit)'s latest approved entry with ``period_end <= as_of``.

        One row per (target, unit) pair; only approved entries count. Chain further
        filters (a plan, a target, a set of units) before or after calling this.

        How (a hidden cost): when the queryset is already limited to some targets
        (``target=`` or ``target__in=`` a list), the latest entries are found with one
        index probe per (target, unit at the target's reporting level) on
        ``targets_entry_latest_approved``, whatever the number of older entries: see
        :func:`latest_approved_ids_sql`. Otherwise every approved entry is checked
        against a correlated subquery, which grows with the entries.
        """
        target_ids = self._filtered_target_ids()
        approved = self.filter(status=self.model.Status.APPROVED, period_end__lte=as_of)
        if target_ids is None:
            latest = (
                self.model.objects.filter(
                    target=models.OuterRef("target"),
                    unit=models.OuterRef("unit"),
                    status=self.model.Status.APPROVED,
                    period_end__lte=as_of,
                )
                .order_by("-period_end")
                .values("period_end")[:1]
            )
            return approved.filter(period_end=models.Subquery(latest))
        if not target_ids:
            return self.none()
        sql, params = latest_approved_ids_sql(sorted(target_ids), as_of)
        ids = RawSQL(sql, params, output_field=models.BigIntegerField())
        if connections[self.db].vendor == "postgresql":
            # ``id = ANY(ARRAY(...))``: the ids are computed once (an InitPlan), then
            # fetched by primary key; ``id IN (...)`` lets the planner hash-join the
            # probes against every entry of the targets instead.
            return approved.filter(EqualsAnyOf(models.F("pk"), ids))
        return approved.filter(pk__in=ids)

    def _filtered_target_ids(self) -> set[int] | None:
        """The target ids a top-level ``target=`` / ``target__in=`` filter of literal
        values limits this queryset to (the intersection of several), else None."""
        field = self.model._meta.get_field("target")
        found = None

        def visit(node):
            nonlocal found
            if node.connector != AND or node.negated:
                return
            for child in node.children:
                if isinstance(child, WhereNode):
                    visit(child)
                    continue
                lhs = getattr(child, "lhs", None)
                if getattr(lhs, "target", None) is not field:
                    continue
                if getattr(lhs, "alias", None) != self.query.base_table:
                    continue
                values = None
                if child.lookup_name == "exact":
                    values = [child.rhs]
                elif child.lookup_name == "in" and isinstance(child.rhs, (list, tuple, set)):
                    values = list(child.rhs)
                if values is None:
                    continue
                ids = {getattr(value, "pk", value) for value in values}
                if all(isinstance(pk, int) for pk in ids):
                    found = ids if found is None else found & ids

        visit(self.query.where)
        return found

    def rollup(self, as_of: datetime.date, *, by_district: bool = False, units=None):
        """Per target (and per district when ``by_district``), over each unit's latest
        approved entry on or before ``as_of``: Σ numerator, Σ denominator, Σ value, the
        single value when one unit reported, how many units have a figure, how many
        reported for the current period, and the newest period. ``units``: only the
        entries of these units (an AdministrativeUnit queryset).

        One query, one row per group (dicts), ordered by target (and district). Ratios
        are computed from the sums by ``targets.progress``, never as an average of
        percentages.

        How: on PostgreSQL, when the queryset is only limited to some targets, the
        aggregates are computed straight over one index probe per (target, unit at its
        reporting level) (:meth:`_rollup_by_probes`); otherwise over
        ``latest_approved``.
        """
        target_ids = self._filtered_target_ids()
        if (
            connections[self.db].vendor == "postgresql"
            and target_ids is not None
            and self._filters_only_targets()
        ):
            return self._rollup_by_probes(sorted(target_ids), as_of, by_district, units)
        qs = self if units is None else self.filter(unit__in=units)
        keys = ["target"]
        if by_district:
            # A commune's district is its parent; a district is its own.
            keys.append("district")
            qs = qs.latest_approved(as_of).annotate(
                district=models.Case(
                    models.When(unit__level="district", then=models.F("unit")),
                    default=models.F("unit__parent"),
                )
            )
        else:
            qs = qs.latest_approved(as_of)
        return (
            qs.values(*keys)
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

    def _filters_only_targets(self) -> bool:
        """True when every filter of this queryset is a ``target=`` / ``target__in=``
        one (what :meth:`_filtered_target_ids` reads)."""
        field = self.model._meta.get_field("target")
        where = self.query.where
        if where.connector != AND or where.negated or self.query.is_sliced or self.query.distinct:
            return False
        return all(
            getattr(getattr(child, "lhs", None), "target", None) is field
            and child.lookup_name in ("exact", "in")
            for child in where.children
        )

    def _rollup_by_probes(self, target_ids, as_of, by_district, units) -> list[dict]:
        """PostgreSQL: ``rollup`` as one pass over (target, unit) pairs, each unit's
        latest approved entry found by ``CROSS JOIN LATERAL (… LIMIT 1)`` on
        ``targets_entry_latest_approved``, whose included columns hold the figures: an
        index-only scan per pair, however many older entries the unit has."""
        if not target_ids:
            return []
        entry = self.model._meta.db_table
        level_match, params = reporting_level_match_sql()
        current = " ".join(
            f"WHEN '{frequency}' THEN %s::date" for frequency in periods.PERIOD_END_MONTHS
        )
        current_params = [periods.latest_period_end(f, as_of) for f in periods.PERIOD_END_MONTHS]
        keys = ["t.id"]
        columns = ["t.id AS target"]
        if by_district:
            keys.append("district")
            columns.append(
                "CASE WHEN u.level = 'district' THEN u.id ELSE u.parent_id END AS district"
            )
        unit_filter = ""
        unit_params = []
        if units is not None:
            unit_sql, unit_params = units.values("pk").query.sql_with_params()
            unit_filter = f" AND u.id IN ({unit_sql})"
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
            f" WHERE t.id IN ({', '.join(['%s'] * len(target_ids))}){unit_filter}"
            f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"
        )
        params = [
            *current_params,
            *params,
            self.model.Status.APPROVED,
            as_of,
            *target_ids,
            *unit_params,
        ]
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def rollup_changes_by_period(self, as_of: datetime.date):
        """Per target and period end P (``P <= as_of``), how the roll-up changes at P.

        Each approved entry replaces its unit's previous approved entry, so a roll-up at P
        is the running total, over period ends up to P, of each entry's change against the
        previous approved entry of the same (target, unit): Σ Δnumerator, Σ Δdenominator,
        Σ Δvalue, the number of units whose first figure arrives at P (``new_units``) and
        the number of approved entries at P (``reports``). ``targets.progress.figure_series``
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
            self.filter(status=self.model.Status.APPROVED, period_end__lte=as_of)
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
        connection = connections[self.db]
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

    # --- Reports and exports (targets.reports) ---

    def unit_figures(self, as_of: datetime.date):
        """Each (target, unit)'s latest approved figure on or before ``as_of`` as dicts:
        ``target``, ``unit`` (ids), ``value``, ``numerator``, ``denominator`` (in the
        target's unit), ``period_end``, ``approved_at``. One query."""
        return (
            self.latest_approved(as_of)
            .values(
                "target",
                "unit",
                "value",
                "numerator",
                "denominator",
                "period_end",
                "approved_at",
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
            own = name.isidentifier() and "__" not in name and name != "pk"
            text = own and export_text(self.model._meta.get_field(name), name, vendor)
            fields.append(text or name)
        return self.order_by("pk").values_list(*fields)
