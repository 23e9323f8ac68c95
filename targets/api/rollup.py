"""The one place the API reads scope and figures: the builders the pages call.

The figures endpoint answers with the target table's rows
(``targets.pages.builders.targets.target_rows``), or with a unit page's own rows
(``targets.pages.builders.unit.unit_page``), so the API and the pages cannot drift.
Entries come from ``targets.domain.scope.raw_entries``, the rule of the raw-data download.
"""

import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404

from targets.domain import scope as scopes
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry
from targets.domain.progress import Figure
from targets.domain.scope import read_scope
from targets.pages.builders.targets import target_rows
from targets.pages.builders.unit import unit_page


def figures(
    user, plan: Plan, as_of: datetime.date, unit_code: str | None = None
) -> tuple[AdministrativeUnit, list[Figure]]:
    """(the unit, its figures): for each target of ``plan``, the figure of ``user``'s
    scope as of ``as_of``, as on the target table page; with ``unit_code``, the roll-up
    of that unit and the units below it (a district with its communes), as on the unit
    scorecard. A unit outside the scope is a 404; a user with no unit a 403."""
    scope = read_scope(user)
    if unit_code:
        unit = get_object_or_404(scope.units.select_related("parent"), code=unit_code)
        rows = unit_page(plan, as_of, scope, unit).rows
        return unit, [figure for figure in rows if figure.unit.pk == unit.pk]
    return scope.unit, target_rows(plan, as_of, scope)


def entries(user):
    """The progress entries ``user`` may read, as the raw-data export: a draft only to
    its unit's reporters (``targets.domain.scope.raw_entries``).

    Two queries' worth: the ids of the scope's units (and the city's, whose figures a
    lead agency's scope includes) first, then the entries. That unit filter is implied by
    the scope; written out as literal ids it lets PostgreSQL estimate how few entries a
    commune's or an agency's scope holds, instead of walking the primary key through a
    million entries to find a page of them (measured: 270 ms → 45 ms)."""
    units = scopes.visible_units(user)
    city = Q(level=AdministrativeUnit.Level.CITY, kind=AdministrativeUnit.Kind.CITY)
    near = AdministrativeUnit.objects.filter(Q(pk__in=units) | city)
    return scopes.raw_entries(
        user, ProgressEntry.objects.filter(unit__in=list(near.values_list("pk", flat=True)))
    )
