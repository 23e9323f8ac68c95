"""Where each target stands as of a date: figures, completeness and status.

The aggregates come from the one roll-up (``targets.domain.rollup.rollup``) and
``AdministrativeUnitQuerySet.expected_counts``; this module turns their rows into
:class:`Figure` objects and applies the one status rule (``targets.domain.status``). Every
function issues a fixed number of queries, whatever the number of entries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import models

from targets.domain import deadlines
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.domain.models.units import level_reports
from targets.domain.rollup import merge_rows as merge_rollup_rows
from targets.domain.rollup import rollup
from targets.domain.scope import Scope
from targets.domain.status import STATUS_ORDER, Status, target_rule

HUNDRED = Decimal(100)


@dataclass
class Figure:
    """A target's figure for a set of units (the city, one district, or one unit)."""

    target: Target
    as_of: datetime.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    units_with_figure: int = 0
    reported: int = 0  # units with an approved figure for the current period
    expected: int = 0  # active units at the target's reporting level in the set
    last_period: datetime.date | None = None
    status: Status = Status.NO_DATA
    expected_value: Decimal | None = field(default=None)
    unit: AdministrativeUnit | None = None  # the unit, or the root of the set of units

    @property
    def status_rank(self) -> int:
        """Position of the status in ``STATUS_ORDER`` (best first), for sorting."""
        return STATUS_ORDER.index(self.status)

    @property
    def district(self) -> AdministrativeUnit | None:
        return self.unit.district if self.unit else None

    @cached_property
    def due(self) -> deadlines.Due:
        """The target's report counted on ``as_of`` (``deadlines.target_due``); functions
        making many figures of one target set it once per target."""
        return deadlines.target_due(self.target, self.as_of)

    @property
    def period_due(self) -> datetime.date:
        """The latest period end on or before ``as_of``: the report completeness counts."""
        return self.due.period_end

    @property
    def is_due(self) -> bool:
        """True once a period of the target has ended inside its plan (an annual target
        has nothing due before its first 31 December)."""
        return self.due.is_due

    @property
    def period_query(self) -> str:
        """``plan=…&as_of=…`` for links to other pages about the same plan and date."""
        return f"plan={self.target.plan.code}&as_of={self.as_of.isoformat()}"

    @property
    def completeness(self) -> Decimal | None:
        """Share of expected units that reported for the current period, 0–100."""
        if not self.expected:
            return None
        return HUNDRED * self.reported / self.expected

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)


def figure_from_row(
    target: Target, row: dict | None, as_of: datetime.date, expected: int, rule=None
):
    """A :class:`Figure` from one ``rollup`` row (None when nothing was reported).
    ``rule``: ``target_rule(target, as_of)``, when the caller has it (one per target)."""
    if rule is None:
        rule = target_rule(target, as_of)
    figure = Figure(target=target, as_of=as_of, expected=expected, expected_value=rule.expected)
    if row:
        figure.units_with_figure = row["units_with_figure"]
        figure.reported = row["units_current"]
        figure.last_period = row["last_period"]
        if target.measure == Target.Measure.RATIO:
            figure.numerator = row["numerator_sum"]
            figure.denominator = row["denominator_sum"]
            if figure.denominator:
                figure.value = HUNDRED * figure.numerator / figure.denominator
        elif target.measure == Target.Measure.COUNT:
            figure.value = row["value_sum"]
        elif row["units_with_figure"] == 1:
            # percent, growth, rank and milestone are reported by one unit; they do not roll up.
            figure.value = row["value_max"]
    figure.status = rule(figure.value)
    return figure


def _expected_by_level(rows, reporting_units: str) -> int:
    """Units expected to report a target at ``reporting_units``, from ``expected_counts`` rows."""
    return sum(
        row["units"] for row in rows if level_reports(reporting_units, row["level"], row["kind"])
    )


def expected_units(targets, as_of: datetime.date, within: AdministrativeUnit | None = None):
    """{target id: number of active units expected to report it inside ``within``}."""
    return _expected_per_target(targets, _expected_rows(as_of, within))


def _expected_rows(as_of: datetime.date, within: AdministrativeUnit | None) -> list[dict]:
    """``expected_counts`` rows of the units inside ``within`` (default: the city)."""
    units = AdministrativeUnit.objects.all()
    if within is not None:
        units = units.within(within)
    return list(units.expected_counts(as_of))


def _expected_per_target(targets, rows) -> dict[int, int]:
    return {t.pk: _expected_by_level(rows, t.reporting_units) for t in targets}


def with_relations(targets) -> list:
    """``targets`` as a list with their plan, pillar and responsible unit: a Target
    queryset is read (one query, the relations joined); targets already read (a list,
    their relations loaded) are used as they are, without a query."""
    if isinstance(targets, models.QuerySet):
        return list(targets.select_related("plan", "pillar", "responsible_unit"))
    return list(targets)


def plan_figures(
    targets, as_of: datetime.date, *, within: AdministrativeUnit | None = None
) -> list[Figure]:
    """One :class:`Figure` per target of ``targets`` (a Target queryset), for the units
    inside ``within`` (default: the whole city), as of ``as_of``; each figure's ``unit``
    is ``within``. Three queries (two when ``targets`` are Targets already read:
    :func:`with_relations`)."""
    targets = with_relations(targets)
    units = None if within is None else AdministrativeUnit.objects.within(within)
    rows = {row["target"]: row for row in rollup(as_of=as_of, targets=targets, units=units)}
    expected = expected_units(targets, as_of, within)
    return _figures(targets, rows, as_of, expected, within)


def _figures(targets, rows, as_of, expected, within) -> list[Figure]:
    figures = [figure_from_row(t, rows.get(t.pk), as_of, expected[t.pk]) for t in targets]
    for figure in figures:
        figure.unit = within
    return figures


def plan_overview(
    targets, as_of: datetime.date, districts, *, within: AdministrativeUnit | None = None
) -> tuple[list[Figure], list["DistrictStanding"]]:
    """What the dashboard shows: ``plan_figures(targets, as_of, within=within)`` and
    ``district_league(targets, as_of, districts)`` (``districts`` inside ``within``),
    from one roll-up per (target, district): each unit's latest approved entry is found
    once, and the figure of the whole set is the merge of its districts' rows (sums add
    up; see :func:`merge_rollup_rows`). Four queries (targets, districts, roll-up,
    expected units; no targets query when they are already read, nor a districts query
    when ``districts`` is a list or an evaluated queryset)."""
    targets = with_relations(targets)
    units = None if within is None else AdministrativeUnit.objects.within(within)
    by_target = defaultdict(list)
    by_district = {}
    for row in rollup(as_of=as_of, targets=targets, units=units, by="district"):
        by_target[row["target"]].append(row)
        by_district[(row["target"], row["district"])] = row
    rows = {target: merge_rollup_rows(group) for target, group in by_target.items()}
    expected_rows = _expected_rows(as_of, within)
    expected = _expected_per_target(targets, expected_rows)
    figures = _figures(targets, rows, as_of, expected, within)
    league = _league(targets, as_of, list(districts), by_district, expected_rows)
    return figures, league


def districts_and_communes():
    """Units at district or commune level (a queryset)."""
    return AdministrativeUnit.objects.filter(
        level__in=[AdministrativeUnit.Level.DISTRICT, AdministrativeUnit.Level.COMMUNE]
    )


def district_figures(target: Target, as_of: datetime.date, districts) -> list[tuple]:
    """For a target reported by districts or communes: (district, Figure) for each
    district of ``districts``, each the roll-up of its own units. Two queries."""
    districts = list(districts)
    rows = {
        row["district"]: row
        for row in rollup(
            as_of=as_of, targets=[target], units=districts_and_communes(), by="district"
        )
    }
    counts = defaultdict(int)
    for row in (
        AdministrativeUnit.objects.active_on(as_of)
        .filter(AdministrativeUnit.reporting_level_q(target.reporting_units))
        .values("parent", "level", "id")
    ):
        district = row["id"] if row["level"] == AdministrativeUnit.Level.DISTRICT else row["parent"]
        counts[district] += 1
    rule = target_rule(target, as_of)
    return [
        (district, figure_from_row(target, rows.get(district.pk), as_of, counts[district.pk], rule))
        for district in districts
    ]


def status_counts(figures) -> dict[Status, int]:
    """How many figures have each status, in display order."""
    counts = dict.fromkeys(Status, 0)
    for figure in figures:
        counts[figure.status] += 1
    return counts


def figure_series(
    target: Target, as_of: datetime.date, *, within: AdministrativeUnit | None = None
) -> list[Figure]:
    """The target's figure for the units inside ``within`` (default: the whole city) at
    each of its period ends up to ``as_of``, oldest first: at period end P, the roll-up of
    each unit's latest approved entry with ``period_end <= P``. Two queries (the changes
    per period, the expected units); completeness counts the units expected on ``as_of``.
    """
    units = None if within is None else AdministrativeUnit.objects.within(within)
    rows = {
        row["period_end"]: row
        for row in rollup(as_of=as_of, targets=[target], units=units, by="period")
    }
    expected = expected_units([target], as_of, within)[target.pk]
    series = []
    previous = None
    for period_end in target.period_ends():
        if period_end > as_of:
            break
        row = rows.get(period_end)
        if row is None and previous is not None:
            # No approved entry of this period: the figure stands, nobody reported.
            row = {**previous, "units_current": 0}
        previous = row
        series.append(figure_from_row(target, row, period_end, expected))
    return series


def unit_figures(targets, as_of: datetime.date, units) -> list[Figure]:
    """A :class:`Figure` of one unit (``expected`` 1, ``reported`` 0 or 1) for each unit
    of ``units`` (an AdministrativeUnit queryset of units active on ``as_of``) and each
    target of ``targets`` (Targets with their plan loaded) that the unit reports, from
    its latest approved entry on or before ``as_of`` (probing only ``units``). Units in
    the order of ``units``, targets in the given order. Two queries.

    In bulk: the status rule, the expected figure and the report due are worked out
    once per target (``targets.domain.status.target_rule``, ``targets.domain.deadlines.target_due``);
    per figure only the rule is applied."""
    targets = list(targets)
    unit_list = list(units.select_related("parent"))
    entries = {
        (target, unit): (value, numerator, denominator, period_end)
        for target, unit, value, numerator, denominator, period_end in (
            ProgressEntry.objects.latest_approved(as_of, targets=targets, units=units)
            .values_list("target", "unit", "value", "numerator", "denominator", "period_end")
            .order_by()
        )
    }
    per_target = []
    for target in targets:
        rule = target_rule(target, as_of)
        per_target.append((target, rule, deadlines.target_due(target, as_of)))
    levels = {target.reporting_units for target in targets}
    result = []
    for unit in unit_list:
        reports = {level: unit.reports_at(level) for level in levels}
        for target, rule, due in per_target:
            if not reports[target.reporting_units]:
                continue
            figure = Figure(
                target=target, as_of=as_of, unit=unit, expected=1, expected_value=rule.expected
            )
            figure.due = due
            entry = entries.get((target.id, unit.id))
            if entry:
                figure.value, figure.numerator, figure.denominator, figure.last_period = entry
                figure.units_with_figure = 1
                figure.reported = int(figure.last_period == due.period_end)
            figure.status = rule(figure.value)
            result.append(figure)
    return result


DISTRICT_TARGETS = (Target.ReportingUnits.DISTRICTS, Target.ReportingUnits.COMMUNES)


@dataclass
class DistrictStanding:
    """A district's place in the league: its figure for every target that applies to it
    (reported by the district itself or rolled up over its communes)."""

    district: AdministrativeUnit
    figures: list[Figure]
    rank: int = 0

    @property
    def applicable(self) -> int:
        return len(self.figures)

    @property
    def good(self) -> int:
        """Targets achieved or on track."""
        return sum(f.status in (Status.ACHIEVED, Status.ON_TRACK) for f in self.figures)

    @property
    def share(self) -> Decimal | None:
        """Share of applicable targets achieved or on track, 0–100."""
        return HUNDRED * self.good / self.applicable if self.applicable else None

    @property
    def reported(self) -> int:
        return sum(f.reported for f in self.figures)

    @property
    def expected(self) -> int:
        return sum(f.expected for f in self.figures)

    @property
    def completeness(self) -> Decimal | None:
        return HUNDRED * self.reported / self.expected if self.expected else None


def district_league(targets, as_of: datetime.date, districts) -> list[DistrictStanding]:
    """Each district of ``districts`` with its figures for the targets of ``targets`` that
    districts or communes report, best share of targets achieved or on track first (then
    completeness, then code). Four queries (targets, districts, roll-up, unit counts)."""
    targets = with_relations(targets)
    districts = list(districts)
    rows = {
        (row["target"], row["district"]): row
        for row in rollup(
            as_of=as_of,
            targets=[t for t in targets if t.reporting_units in DISTRICT_TARGETS],
            units=districts_and_communes(),
            by="district",
        )
    }
    expected_rows = AdministrativeUnit.objects.expected_counts(as_of)
    return _league(targets, as_of, districts, rows, expected_rows)


def _league(targets, as_of, districts, rows, expected_rows) -> list[DistrictStanding]:
    """The league from ``rollup(by="district")`` rows keyed by (target, district)."""
    targets = [t for t in targets if t.reporting_units in DISTRICT_TARGETS]
    communes = defaultdict(int)
    for row in expected_rows:
        if row["level"] == AdministrativeUnit.Level.COMMUNE:
            communes[row["parent"]] += row["units"]
    rules = {target.pk: target_rule(target, as_of) for target in targets}
    league = []
    for district in districts:
        figures = []
        for target in targets:
            if target.reporting_units == Target.ReportingUnits.DISTRICTS:
                expected = int(district.is_active_on(as_of))
            else:
                expected = communes[district.pk]
            row = rows.get((target.pk, district.pk))
            figures.append(figure_from_row(target, row, as_of, expected, rules[target.pk]))
        league.append(DistrictStanding(district=district, figures=figures))
    league.sort(key=lambda s: (-(s.share or 0), -(s.completeness or 0), s.district.code))
    for rank, standing in enumerate(league, start=1):
        standing.rank = rank
    return league


@dataclass
class PillarSummary:
    """A pillar's targets: how many have each status, and their figures."""

    pillar: object
    figures: list[Figure]

    @property
    def counts(self) -> list[tuple[Status, int]]:
        """(status, number of targets) in ``STATUS_ORDER``."""
        counts = status_counts(self.figures)
        return [(status, counts[status]) for status in STATUS_ORDER]


def pillar_summaries(figures) -> list[PillarSummary]:
    """``figures`` grouped by their target's pillar, in pillar order (no query)."""
    groups: dict = {}
    for figure in figures:
        groups.setdefault(figure.target.pillar, []).append(figure)
    ordered = sorted(groups, key=lambda p: (p.order, p.code))
    return [PillarSummary(pillar=pillar, figures=groups[pillar]) for pillar in ordered]


def scoped_figures(targets, as_of, scope: Scope):
    """``plan_figures`` for the scope; outside the whole city, only the targets that
    units inside the scope report. Each figure's ``unit`` is the scope's unit."""
    return scoped(plan_figures(targets, as_of, within=scope.within), scope)


def scoped(figures, scope: Scope):
    """``figures`` of the units inside the scope, each with the scope's unit as its
    ``unit``; outside the whole city, only those of targets the scope's units report."""
    for figure in figures:
        figure.unit = scope.unit
    if scope.whole_city:
        return figures
    return [figure for figure in figures if figure.expected]
