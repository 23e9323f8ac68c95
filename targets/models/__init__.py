"""Plans, pillars, targets, the tree of units, and the progress entries units report.

The names here are the contract described in DESIGN.md. Integrity the database can hold
lives in ``Meta.constraints``; rules that need the target live in ``clean()``.

One module per part: ``plans`` (plans, pillars, targets), ``units`` (the unit tree),
``entries`` (the progress entry) and ``entry_queries`` (its queryset), ``memberships``.
Import the models from here: ``from targets.models import ProgressEntry``.
"""

from targets.models.api import ApiToken
from targets.models.base import LocalizedNameMixin, plain_number, user_is_plan_administrator
from targets.models.entries import ProgressEntry
from targets.models.entry_queries import ProgressEntryQuerySet
from targets.models.memberships import Membership
from targets.models.plans import Pillar, Plan, Target, TargetQuerySet
from targets.models.units import REPORTING_LEVEL_KEYS, AdministrativeUnit

__all__ = [
    "ApiToken",
    "REPORTING_LEVEL_KEYS",
    "AdministrativeUnit",
    "LocalizedNameMixin",
    "Membership",
    "Pillar",
    "Plan",
    "ProgressEntry",
    "ProgressEntryQuerySet",
    "Target",
    "TargetQuerySet",
    "plain_number",
    "user_is_plan_administrator",
]
