"""A unit's page: every target that applies to it (its own figure for the targets it
reports, the roll-up of its units for the targets they report), for a district its
communes' own figures and their league, and one target drawn over time."""

import datetime
from dataclasses import dataclass, field

from targets.domain.freshness import (
    attach,
    previous_plan_figures,
    previous_unit_figures,
    unit_key,
)
from targets.domain.league import League
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.progress import Figure, figure_series, plan_figures, unit_figures
from targets.domain.scope import Scope
from targets.domain.sources import attach_sources, entry_sources
from targets.domain.tree import Units
from targets.pages.builders.dashboard import branches, league_of, tree_day
from targets.pages.builders.targets import target_filter
from targets.pages.cache import kept
from targets.pages.filters import TargetFilter
from targets.pages.trend import trend_target


@dataclass
class UnitPage:
    unit: AdministrativeUnit
    rows: list[Figure]  # the unit's rows, then its communes', narrowed by the filters
    targets: list[Target]  # every target that applies to the unit (the trend's choices)
    league: League | None = None  # a district's communes
    trend: Target | None = None
    series: list[Figure] = field(default_factory=list)


def _own_and_below(targets, as_of, unit, units: Units) -> list[Figure]:
    """The unit's own figure for each target it reports, and the roll-up of the units
    below it for each target they report, in the targets' order."""
    own_targets = [t for t in targets if unit.reports_at(t.reporting_units)]
    own = {f.target.pk: f for f in unit_figures(own_targets, as_of, [unit], units=units)}
    rolled = [t for t in targets if t.pk not in own]
    below = {
        f.target.pk: f for f in plan_figures(rolled, as_of, within=unit, units=units) if f.expected
    }
    return [own.get(t.pk) or below[t.pk] for t in targets if t.pk in own or t.pk in below]


def _previous(figures, as_of, unit, units: Units) -> dict:
    own = [f.target for f in figures if f.own]
    rolled = [f.target for f in figures if not f.own]
    found = {
        target_id: figure
        for (target_id, _unit), figure in previous_unit_figures(
            own, as_of, [unit], units=units
        ).items()
    }
    return found | previous_plan_figures(rolled, as_of, within=unit, units=units)


@kept(parameters=(*TargetFilter.base_filters, "trend"))
def unit_page(
    plan: Plan, as_of: datetime.date, scope: Scope, unit: AdministrativeUnit, params=None
) -> UnitPage:
    """What ``unit``'s page shows for ``plan`` as of ``as_of`` (``unit`` inside the
    scope: the caller checked). ``params``: the table's filters and ``trend`` (the code
    of the target drawn over time). A fixed number of queries."""
    units = Units.load()
    unit = units.get(unit.pk) or unit
    filterset = target_filter(plan, params)
    every = list(Target.objects.filter(plan=plan).with_relations())
    chosen = {target.pk for target in filterset.qs}
    rows = _own_and_below(every, as_of, unit, units)
    applying = [f.target for f in rows]
    rows = [f for f in rows if f.target.pk in chosen]
    attach(rows, _previous(rows, as_of, unit, units), key=lambda f: f.target.pk)
    page = UnitPage(unit=unit, rows=rows, targets=applying)
    sourced = [unit]
    if unit.level == AdministrativeUnit.Level.DISTRICT:
        communes = branches(units, unit, tree_day(plan, as_of))
        commune_targets = [
            f.target for f in rows if f.target.reporting_units == Target.ReportingUnits.COMMUNES
        ]
        commune_rows = unit_figures(commune_targets, as_of, communes, units=units)
        attach(
            commune_rows,
            previous_unit_figures(commune_targets, as_of, communes, units=units),
            key=unit_key,
        )
        page.rows = rows + commune_rows
        page.league, _level = league_of(plan, commune_targets, as_of, unit, units)
        sourced += communes
    attach_sources(page.rows, entry_sources(applying, sourced, as_of))
    page.rows = filterset.narrow(page.rows)
    page.trend = trend_target(applying, (params or {}).get("trend"))
    if page.trend is not None:
        page.series = figure_series(page.trend, as_of, within=unit, units=units)
    return page
