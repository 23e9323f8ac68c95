"""The target table's rows: one figure per target of the plan for the scope, with its
change since the previous period, filtered by the page's filters."""

import datetime

from targets.domain.freshness import attach, previous_plan_figures
from targets.domain.models import Plan, Target
from targets.domain.progress import Figure, scoped_figures
from targets.domain.scope import Scope
from targets.domain.tree import Units
from targets.pages.cache import kept
from targets.pages.filters import TargetFilter


def target_filter(plan: Plan, params=None) -> TargetFilter:
    """The table's FilterSet over the plan's targets (``params``: the query string)."""
    targets = Target.objects.filter(plan=plan).with_relations()
    return TargetFilter(params or None, queryset=targets)


@kept(parameters=TargetFilter.base_filters)
def target_rows(plan: Plan, as_of: datetime.date, scope: Scope, params=None) -> list[Figure]:
    """Each target of ``plan`` the scope works on (``targets.domain.progress.scoped``),
    with the figure of the scope's units as of ``as_of`` and its change since the
    previous period (``figure.freshness``), narrowed by ``params`` (the table's filters:
    pillar, reporting level, status, lead agency, text). Queries: the targets, the
    units, the two roll-ups (this period and the one before) and the city's own figures
    of each."""
    filterset = target_filter(plan, params)
    targets = list(filterset.qs)
    units = Units.load()
    figures = scoped_figures(targets, as_of, scope, units=units)
    previous = previous_plan_figures(
        [f.target for f in figures], as_of, within=scope.within, units=units
    )
    attach(figures, previous, key=lambda figure: figure.target.pk)
    return filterset.narrow(figures)
