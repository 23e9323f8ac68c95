"""Plans, pillars, targets, the tree of units, and the progress entries units report.

The names here are the contract described in DESIGN.md. Integrity the database can hold
lives in ``Meta.constraints``; rules that need the target live in ``clean()``.

One module per part: ``plans`` (plans, pillars, targets), ``units`` (the unit tree),
``entries`` (the progress entry) and ``entry_queries`` (its queryset), ``memberships``,
``reports`` (the status report an office issues), ``versions`` (the data version the
figure cache is keyed on).
Import the models from here: ``from targets.domain.models import ProgressEntry``. Who sees
which rows is not decided here but in ``targets.domain.scope``; the roll-up is ``targets.domain.rollup``.
"""

from targets.domain.models.accounts import UserProfile
from targets.domain.models.api import ApiToken
from targets.domain.models.base import LocalizedNameMixin
from targets.domain.models.entries import ProgressEntry
from targets.domain.models.entry_queries import ProgressEntryQuerySet
from targets.domain.models.memberships import Membership
from targets.domain.models.plans import Pillar, Plan, Target, TargetQuerySet
from targets.domain.models.reports import StatusReport
from targets.domain.models.units import REPORTING_LEVEL_KEYS, AdministrativeUnit
from targets.domain.models.versions import DataVersion

__all__ = [
    "ApiToken",
    "REPORTING_LEVEL_KEYS",
    "AdministrativeUnit",
    "DataVersion",
    "LocalizedNameMixin",
    "Membership",
    "Pillar",
    "Plan",
    "ProgressEntry",
    "ProgressEntryQuerySet",
    "StatusReport",
    "Target",
    "TargetQuerySet",
    "UserProfile",
]
