"""The completeness page: for the current period of each target, where each report of
the scope's units stands, counted per district, and those overdue."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.domain.completeness import (
    EntryState,
    Report,
    StateCount,
    past_due,
    report_figures,
    state_counts_by_district,
)
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.scope import Scope
from targets.domain.tree import Units
from targets.pages.builders.detail import scope_districts
from targets.pages.filters import CompletenessFilter


@dataclass
class Completeness:
    not_approved: list[Report]  # the reports not approved, narrowed by the filters
    counts: list[StateCount]
    overdue: list[Report]


def completeness_filter(plan: Plan, as_of: datetime.date, scope: Scope, params):
    """The page's FilterSet (district, text, target code, state), applied to its reports
    by ``narrow``; its district choices are the scope's."""
    return CompletenessFilter(
        params or None,
        queryset=AdministrativeUnit.objects.none(),
        districts=scope_districts(plan, as_of, scope),
    )


def completeness(plan: Plan, as_of: datetime.date, scope: Scope, params=None) -> Completeness:
    """Where the reports of the scope's units stand for each target's current period
    on ``as_of``. Not kept: it shows drafts, submissions and returns."""
    units = Units.load()
    targets = list(Target.objects.filter(plan=plan).with_relations())
    filterset = completeness_filter(plan, as_of, scope, params)
    reports = filterset.narrow(report_figures(targets, as_of, scope.unit, units=units))
    not_approved = [r for r in reports if r.state != EntryState.APPROVED]
    return Completeness(
        not_approved=not_approved,
        counts=state_counts_by_district(reports, _("Cấp thành phố")),
        overdue=past_due(not_approved),
    )
