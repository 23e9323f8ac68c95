"""The dashboard's figures: per pillar, a figure per target (with its change since the
previous period), and the league of the units one level below the scope's unit (the
districts of the city in 2022; the communes of a city without districts since
01/07/2025; a district's communes)."""

import datetime
from dataclasses import dataclass

from targets.domain.freshness import attach, previous_plan_figures
from targets.domain.league import League, league
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.progress import (
    Figure,
    PillarSummary,
    branch_figures,
    pillar_summaries,
    scoped_figures,
)
from targets.domain.scope import Scope
from targets.domain.tree import Units
from targets.pages.cache import kept

BRANCH_LEVELS = (AdministrativeUnit.Level.DISTRICT, AdministrativeUnit.Level.COMMUNE)


@dataclass
class Dashboard:
    figures: list[Figure]
    summaries: list[PillarSummary]
    league: League
    branch_level: str | None  # "district" or "commune": what the league's rows are

    @property
    def has_figures(self) -> bool:
        return any(figure.value is not None for figure in self.figures)


def tree_day(plan: Plan, as_of: datetime.date) -> datetime.date:
    """The day whose tree a page about ``plan`` on ``as_of`` shows: ``as_of``, or the
    plan's last day for a date after the plan."""
    return min(as_of, plan.end_date)


def branches(units: Units, root, day: datetime.date) -> list[AdministrativeUnit]:
    """The districts or communes directly below ``root`` on ``day`` (not the agencies)."""
    return [unit for unit in units.children(root, day) if unit.level in BRANCH_LEVELS]


def league_of(plan, targets, as_of, root, units: Units) -> tuple[League, str | None]:
    """The league of the districts or communes directly below ``root`` over the targets
    reported there, and the level of its rows. Two roll-ups (this period and the one
    before)."""
    rows = branches(units, root, tree_day(plan, as_of))
    current = branch_figures(targets, as_of, root, rows, units=units)
    before = branch_figures(targets, as_of, root, rows, units=units, previous=True)
    level = rows[0].level if rows else None
    return league(rows, targets, current, before), level


@kept()
def dashboard(plan: Plan, as_of: datetime.date, scope: Scope) -> Dashboard:
    """What the dashboard of ``scope`` shows for ``plan`` as of ``as_of``. Queries: the
    targets, the units, and the roll-ups of this period and the one before (the city's,
    the league's) with the city's own figures."""
    targets = list(Target.objects.filter(plan=plan).with_relations())
    units = Units.load()
    figures = scoped_figures(targets, as_of, scope, units=units)
    shown = [f.target for f in figures]
    attach(
        figures,
        previous_plan_figures(shown, as_of, within=scope.within, units=units),
        key=lambda figure: figure.target.pk,
    )
    table, level = league_of(plan, shown, as_of, scope.unit, units)
    return Dashboard(
        figures=figures, summaries=pillar_summaries(figures), league=table, branch_level=level
    )
