"""Where each target stands as of a date: figures, their completeness and status.

Two kinds of figure, one rule each (DESIGN.md "Which figures count", "Roll-up: one
period per figure"):

- **A unit's own figure** (:func:`unit_figures`; a target reported by the city alone is
  the city's own figure): its latest approved entry on or before the date, with its
  period; it is *stale* when older than the target's current period.
- **A roll-up** over a set of units (the city, a district's communes…): the sums of the
  approved reports *for the current period P* alone (``targets.domain.rollup``), with
  its completeness (units that reported for P out of the units expected: valid at P, at
  the target's reporting level, inside the set). Below full completeness it is
  *provisional*; with no report for P it has no figure for P.

The current period of a target is ``targets.domain.deadlines.target_due`` (clamped to
its plan and to the life of its reporting level); the tree of the period's date is
``targets.domain.tree.Units``; the status is ``targets.domain.status``. Every function
issues a fixed number of queries, whatever the number of entries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from targets.domain import deadlines
from targets.domain.formatting import status_text
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.domain.rollup import rollup
from targets.domain.scope import Scope
from targets.domain.status import STATUS_ORDER, Status, target_rule
from targets.domain.tree import Units

HUNDRED = Decimal(100)
CITY = Target.ReportingUnits.CITY


def figure_value(target, numerator, denominator, value) -> Decimal | None:
    """The figure of ``target`` from its parts, at full precision: 100 × numerator /
    denominator for a ratio, else the value. Rounded only when written for a person
    (``targets.domain.formatting``)."""
    if target.measure == Target.Measure.RATIO:
        if numerator is None or not denominator:
            return None
        return HUNDRED * Decimal(numerator) / Decimal(denominator)
    return value


@dataclass
class Figure:
    """A target's figure for one period: a roll-up over a set of units, or one unit's
    own (``own``). ``unit`` is the unit, or the root of the set."""

    target: Target
    as_of: datetime.date
    due: deadlines.Due | None = None  # default: the target's current period on ``as_of``
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    reported: int = 0  # units whose approved report for the period counts
    expected: int = 0  # units expected to report it (valid then, at the level, in the set)
    last_period: datetime.date | None = None  # the period the figure is for
    status: Status = Status.NO_DATA
    expected_value: Decimal | None = field(default=None)
    unit: AdministrativeUnit | None = None
    own: bool = False

    def __post_init__(self):
        if self.due is None:
            self.due = deadlines.target_due(self.target, self.as_of)

    @property
    def status_rank(self) -> int:
        """Position of the status in ``STATUS_ORDER`` (best first), for sorting."""
        return STATUS_ORDER.index(self.status)

    @property
    def district(self) -> AdministrativeUnit | None:
        return self.unit.district if self.unit else None

    @property
    def period_due(self) -> datetime.date:
        """The target's current period: the one whose reports count."""
        return self.due.period_end

    @property
    def is_due(self) -> bool:
        """True once a period of the target has ended inside its plan (an annual target
        has nothing due before its first 31 December)."""
        return self.due.is_due

    @property
    def provisional(self) -> bool:
        """A roll-up with a figure from fewer reports than expected ("tạm tính")."""
        return not self.own and self.value is not None and self.reported < self.expected

    @property
    def period_query(self) -> str:
        """``plan=…&as_of=…`` for links to other pages about the same plan and date."""
        return f"plan={self.target.plan.code}&as_of={self.as_of.isoformat()}"

    @property
    def status_label(self) -> str:
        """The status in words, "(tạm tính, 4/20)" after it when provisional."""
        return status_text(self)

    @property
    def completeness(self) -> Decimal | None:
        """Share of expected units that reported for the current period, 0–100."""
        if not self.expected:
            return None
        return HUNDRED * self.reported / self.expected

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)


def with_relations(targets) -> list:
    """``targets`` as a list with their plan, pillar and responsible unit: a Target
    queryset is read (one query, the relations joined); targets already read are used
    as they are."""
    if isinstance(targets, models.QuerySet):
        return list(targets.select_related("plan", "pillar", "responsible_unit"))
    return list(targets)


def target_dues(targets, as_of: datetime.date, units: Units, *, previous=False) -> dict:
    """{target id: ``deadlines.Due``} of each target's current period on ``as_of``
    (``previous``: the period before it), clamped to its plan and its level's life."""
    dues = {}
    for target in targets:
        due = deadlines.target_due(target, as_of, level_end=units.level_end(target.reporting_units))
        dues[target.pk] = due.previous(target) if previous else due
    return dues


def _figure(target, as_of, due, rule, unit, sums, expected) -> Figure:
    """A roll-up :class:`Figure` from one group's :class:`targets.domain.rollup.Sums`."""
    figure = Figure(
        target=target, as_of=as_of, due=due, expected=expected, unit=unit,
        expected_value=rule.expected,
    )  # fmt: skip
    if sums is not None:
        figure.reported = sums.reports
        figure.last_period = due.period_end
        figure.numerator, figure.denominator = sums.numerator, sums.denominator
        if target.measure == Target.Measure.RATIO:
            figure.value = figure_value(target, sums.numerator, sums.denominator, None)
        elif target.measure == Target.Measure.COUNT:
            figure.value = sums.value_sum
        elif sums.reports == 1:
            figure.value = sums.value_max  # one unit reports it; it does not roll up
    figure.status = rule(figure.value)
    return figure


def plan_figures(
    targets,
    as_of: datetime.date,
    *,
    within: AdministrativeUnit | None = None,
    units: Units | None = None,
    previous: bool = False,
) -> list[Figure]:
    """One :class:`Figure` per target of ``targets`` for the units inside ``within``
    (default: the city), as of ``as_of`` (``previous``: of the period before the
    current one): a roll-up of the reports for the period, or the city's own figure for
    a target the city reports alone. Each figure's ``unit`` is ``within`` (else the
    city). Queries: the targets (unless already read), the units (unless given), the
    roll-up, and the city's own figures when there are such targets."""
    targets = with_relations(targets)
    units = units or Units.load()
    city = units.city()
    root = within or city
    dues = target_dues(targets, as_of, units, previous=previous)
    rolled = [t for t in targets if t.reporting_units != CITY]
    groups = {unit.pk: 0 for unit in _all_below(units, root)}
    sums = rollup(pairs=[(t.pk, dues[t.pk].period_end) for t in rolled], groups=groups)
    own = {}
    if len(rolled) < len(targets) and city is not None and units.contains(root, city):
        own_targets = [t for t in targets if t.reporting_units == CITY]
        own = {
            f.target.pk: f for f in unit_figures(own_targets, as_of, [city], dues=dues, units=units)
        }
    figures = []
    for target in targets:
        due = dues[target.pk]
        if target.reporting_units == CITY:
            figure = own.get(target.pk) or _figure(
                target, as_of, due, target_rule(target, as_of), root, None, 0
            )
            figure.unit = root
        else:
            expected = len(units.at_level(target.reporting_units, due.period_end, root))
            figure = _figure(
                target,
                as_of,
                due,
                target_rule(target, as_of),
                root,
                sums.get((target.pk, due.period_end, 0)),
                expected,
            )
        figures.append(figure)
    return figures


def _all_below(units: Units, root) -> list[AdministrativeUnit]:
    """``root`` and every unit below it at any date (a unit's entries are all of dates
    it was valid on, so the roll-up needs no date on the units)."""
    return [unit for unit in units.by_pk.values() if units.contains(root, unit)]


def branch_figures(
    targets,
    as_of: datetime.date,
    root: AdministrativeUnit,
    branches,
    *,
    units: Units,
    previous: bool = False,
) -> dict[tuple[int, int], Figure]:
    """{(target id, branch id): Figure} for each unit of ``branches`` (units directly
    below ``root``: the districts of the city, a district's communes, the communes of a
    city without districts) and each target of ``targets`` that applies there (some
    unit of the branch reports it, or did on its period): the roll-up of the branch's
    reports for the period (a commune's own report for it). A target that does not apply
    to a branch has no key. One query (the roll-up)."""
    targets = [t for t in targets if t.reporting_units != CITY]
    dues = target_dues(targets, as_of, units, previous=previous)
    branch_of = {}
    for unit in _all_below(units, root):
        branch = units.branch(unit, root)
        if branch is not None:
            branch_of[unit.pk] = branch.pk
    sums = rollup(pairs=[(t.pk, dues[t.pk].period_end) for t in targets], groups=branch_of)
    found = {}
    for target in targets:
        due = dues[target.pk]
        rule = target_rule(target, as_of)
        expected = defaultdict(int)
        for unit in units.at_level(target.reporting_units, due.period_end, root):
            if unit.pk in branch_of:
                expected[branch_of[unit.pk]] += 1
        for branch in branches:
            if not expected[branch.pk]:
                continue  # not applicable here: no unit of the branch reports it
            found[(target.pk, branch.pk)] = _figure(
                target,
                as_of,
                due,
                rule,
                branch,
                sums.get((target.pk, due.period_end, branch.pk)),
                expected[branch.pk],
            )
    return found


def figure_series(
    target: Target,
    as_of: datetime.date,
    *,
    within: AdministrativeUnit | None = None,
    units: Units | None = None,
) -> list[Figure]:
    """The target's figure for the units inside ``within`` (default: the city) at each
    of its period ends up to its current period on ``as_of``, oldest first: at period
    end P, the reports for P alone (a period nobody reported has no figure), each with
    its completeness then. Queries: the units (unless given), the roll-up."""
    units = units or Units.load()
    root = within or units.city()
    current = deadlines.target_due(target, as_of, level_end=units.level_end(target.reporting_units))
    ends = [day for day in target.period_ends() if day <= current.period_end]
    if target.reporting_units == CITY:
        groups = {root.pk: 0} if root is not None else {}
    else:
        groups = {unit.pk: 0 for unit in _all_below(units, root)}
    sums = rollup(pairs=[(target.pk, day) for day in ends], groups=groups)
    series = []
    for day in ends:
        due = deadlines.Due.of(target, day)
        if target.reporting_units == CITY:
            expected = int(root is not None and root.is_active_on(day) and root == units.city())
        else:
            expected = len(units.at_level(target.reporting_units, day, root))
        series.append(
            _figure(
                target,
                day,
                due,
                target_rule(target, day),
                root,
                sums.get((target.pk, day, 0)),
                expected,
            )  # fmt: skip
        )
    return series


def unit_figures(
    targets,
    as_of: datetime.date,
    unit_list,
    *,
    dues: dict | None = None,
    units: Units | None = None,
) -> list[Figure]:
    """A unit's own :class:`Figure` (``expected`` 1, ``reported`` 1 when its figure is
    for the current period) for each unit of ``unit_list`` and each target of
    ``targets`` (their plan loaded) that the unit reports: its latest approved entry on
    or before its current period (``dues``: {target id: Due}, when the caller has them),
    probing only these units. Units in the given order, targets in the given order. One
    query (the latest approved entries), and the units when neither ``dues`` nor
    ``units`` is given."""
    targets = list(targets)
    unit_list = list(unit_list)
    if dues is None:
        dues = target_dues(targets, as_of, units or Units.load())
    latest = _latest(targets, unit_list, dues)
    rules = {target.pk: target_rule(target, as_of) for target in targets}
    levels = {target.reporting_units for target in targets}
    result = []
    for unit in unit_list:
        reports = {level: unit.reports_at(level) for level in levels}
        for target in targets:
            if not reports[target.reporting_units]:
                continue
            due, rule = dues[target.pk], rules[target.pk]
            figure = Figure(
                target=target, as_of=as_of, due=due, unit=unit, expected=1, own=True,
                expected_value=rule.expected,
            )  # fmt: skip
            entry = latest.get((target.pk, unit.pk))
            if entry:
                figure.value, figure.numerator, figure.denominator, figure.last_period = entry
                figure.reported = int(figure.last_period == due.period_end)
            figure.status = rule(figure.value)
            result.append(figure)
    return result


def _latest(targets, unit_list, dues) -> dict[tuple[int, int], tuple]:
    """{(target id, unit id): (value, numerator, denominator, period end)} of each unit's
    latest approved entry on or before its target's current period. One query."""
    if not targets or not unit_list:
        return {}
    measure = {target.pk: target for target in targets}
    days = {target.pk: dues[target.pk].period_end for target in targets}
    rows = (
        ProgressEntry.objects.latest_approved(days, targets=targets, units=unit_list)
        .values_list("target", "unit", "value", "numerator", "denominator", "period_end")
        .order_by()
    )
    return {
        (target_id, unit_id): (
            figure_value(measure[target_id], numerator, denominator, value),
            numerator,
            denominator,
            period_end,
        )
        for target_id, unit_id, value, numerator, denominator, period_end in rows
    }


def status_counts(figures) -> dict[Status, int]:
    """How many figures have each status, in display order."""
    counts = dict.fromkeys(Status, 0)
    for figure in figures:
        counts[figure.status] += 1
    return counts


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


def applies(target: Target, as_of: datetime.date, scope: Scope) -> bool:
    """Whether a unit of ``scope`` reports ``target``: some unit at its reporting level,
    inside the scope's unit, existed during its plan up to ``as_of``. One query (the
    caller answers 404 otherwise, before any figure)."""
    plan = target.plan
    units = (
        AdministrativeUnit.objects.within(scope.unit)
        .at_reporting_level(target.reporting_units)
        .overlapping(plan.start_date, min(as_of, plan.end_date))
    )
    return units.exists()


def scoped(figures, scope: Scope):
    """``figures`` of the units inside the scope, each with the scope's unit as its
    ``unit``; outside the whole city, only those of targets the scope's units report
    (the one place of that rule: pages, reports and the API call it)."""
    for figure in figures:
        figure.unit = scope.unit
    if scope.whole_city:
        return figures
    return [figure for figure in figures if figure.expected]


def scoped_figures(targets, as_of, scope: Scope, *, units: Units | None = None, previous=False):
    """:func:`plan_figures` for the scope (:func:`scoped`)."""
    figures = plan_figures(targets, as_of, within=scope.within, units=units, previous=previous)
    return scoped(figures, scope)
