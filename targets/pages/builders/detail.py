"""A target's page: the scope's figure over time, each unit's own figure, the roll-up
of each district (or commune) below the scope's unit, and the units that have not
reported for the current period."""

import datetime
from dataclasses import dataclass, field

from targets.domain.freshness import (
    Freshness,
    attach,
    previous_plan_figures,
    previous_unit_figures,
    unit_key,
)
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.progress import (
    Figure,
    branch_figures,
    figure_series,
    scoped_figures,
    target_dues,
    unit_figures,
)
from targets.domain.scope import Scope
from targets.domain.sources import attach_sources, entry_sources
from targets.domain.tree import Units
from targets.pages.builders.dashboard import branches, tree_day
from targets.pages.cache import kept
from targets.pages.filters import UnitFilter


@dataclass
class TargetDetail:
    target: Target
    figure: Figure
    series: list[Figure]
    rows: list[Figure]  # each unit's own figure, narrowed by the page's filters
    missing: list[Figure]  # units without a report for the current period (all of them)
    branches: list[Figure] = field(default_factory=list)  # each branch's roll-up
    not_applicable: list[AdministrativeUnit] = field(default_factory=list)
    source: object = None  # the source of a figure one unit reports (the city's)


def reporting_units(target: Target, as_of: datetime.date, scope: Scope, units: Units):
    """The units of the scope expected to report ``target`` for its current period."""
    due = target_dues([target], as_of, units)[target.pk]
    return units.at_level(target.reporting_units, due.period_end, scope.unit)


def scope_districts(plan: Plan, as_of: datetime.date, scope: Scope):
    """The districts of the scope on the page's date (lazy: the filter form reads them)."""
    districts = AdministrativeUnit.objects.active_on(tree_day(plan, as_of)).filter(
        level=AdministrativeUnit.Level.DISTRICT
    )
    return scope.narrow(districts).order_by("code")


def unit_filter(target: Target, as_of: datetime.date, scope: Scope, params):
    """The page's FilterSet of the units table (district, text, status, reported or
    not), applied to its rows by ``narrow``; its district choices are the scope's."""
    return UnitFilter(
        params or None,
        queryset=AdministrativeUnit.objects.none(),
        districts=scope_districts(target.plan, as_of, scope),
    )


@kept(parameters=UnitFilter.base_filters)
def target_detail(
    plan: Plan, as_of: datetime.date, scope: Scope, target: Target, params=None
) -> TargetDetail:
    """What ``target``'s page shows for ``scope`` as of ``as_of`` (``target`` of
    ``plan``, in the scope: the caller checked). ``params``: the units table's filters.
    A fixed number of queries."""
    units = Units.load()
    figure = scoped_figures([target], as_of, scope, units=units)[0]
    previous = previous_plan_figures([target], as_of, within=scope.within, units=units)
    figure.freshness = Freshness(figure, previous.get(target.pk))
    expected = reporting_units(target, as_of, scope, units)
    filterset = unit_filter(target, as_of, scope, params)
    everyone = unit_figures([target], as_of, expected, units=units)
    rows = list(everyone)
    attach_sources(rows, entry_sources([target], expected, as_of))
    attach(rows, previous_unit_figures([target], as_of, expected, units=units), key=unit_key)
    detail = TargetDetail(
        target=target,
        figure=figure,
        series=figure_series(target, as_of, within=scope.within, units=units),
        rows=filterset.narrow(rows),
        missing=[f for f in everyone if not f.reported],
    )
    city_rows = [f for f in rows if f.unit.level == AdministrativeUnit.Level.CITY]
    if len(city_rows) == 1:
        detail.source = getattr(city_rows[0], "source", None)
    if target.reporting_units == Target.ReportingUnits.COMMUNES:
        below = [
            branch
            for branch in branches(units, scope.unit, tree_day(plan, as_of))
            if branch.level == AdministrativeUnit.Level.DISTRICT
        ]
        found = branch_figures([target], as_of, scope.unit, below, units=units)
        for branch in below:
            if (target.pk, branch.pk) in found:
                detail.branches.append(found[(target.pk, branch.pk)])
            else:
                detail.not_applicable.append(branch)
    return detail
