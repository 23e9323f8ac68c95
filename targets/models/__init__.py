"""Plans, pillars, targets, the tree of units, and the progress entries units report.

The names here are the contract described in DESIGN.md. Integrity the database can hold
lives in ``Meta.constraints``; rules that need the target live in ``clean()``.

One module per part: ``plans`` (plans, pillars, targets), ``units`` (the unit tree),
``entries`` (the progress entry) and ``entry_queries`` (its queryset), ``memberships``,
``reports`` (the status report an office issues), ``versions`` (the data version the
figure cache is keyed on).
Import the models from here: ``from targets.models import ProgressEntry``. Who sees
which rows is not decided here but in ``targets.scope``; the roll-up is ``targets.rollup``.
"""

from targets.models.accounts import UserProfile
from targets.models.api import ApiToken
from targets.models.base import LocalizedNameMixin
from targets.models.entries import ProgressEntry
from targets.models.entry_queries import ProgressEntryQuerySet
from targets.models.memberships import Membership
from targets.models.plans import Pillar, Plan, Target, TargetQuerySet
from targets.models.reports import StatusReport
from targets.models.units import REPORTING_LEVEL_KEYS, AdministrativeUnit
from targets.models.versions import DataVersion

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
