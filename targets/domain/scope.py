"""Who sees and may change which units, targets and entries: the one place that says so.

The rules, each written once here, in SQL (querysets) and, where a single object is
checked, in Python:

- **Everywhere.** Superusers and plan administrators see every unit, target and entry
  (:func:`sees_everything`).
- **A unit and the units below it.** A membership (user, unit, role) covers its unit
  and every unit below it (the tree is at most three deep: city, district, commune).
- **The lead agency's city figure.** The agency leading a city-wide target
  (``reporting_units = city``) also covers that target's figure of the city unit.
- **Reporting level.** A unit reports the targets of its level; the mapping itself is
  ``targets.domain.models.units.REPORTING_LEVEL_KEYS`` (the models need it to validate an
  entry), and :func:`visible_targets` turns a scope into the targets it works on.
- **One entry.** What a user may do with one entry in its status:
  :func:`entry_permissions` (the admin hides the rest, the services refuse it).

Pages, exports, the admin, the import, the commands and the API call these functions;
the models hold no scope rule. ``targets.domain.roles`` holds the group names and the action
names, and imports nothing of the project.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from targets.domain.models import (
    AdministrativeUnit,
    Membership,
    ProgressEntry,
    StatusReport,
    Target,
)
from targets.domain.models.units import REPORTING_LEVEL_KEYS, at_or_below_q, level_reports
from targets.domain.roles import APPROVE, CHANGE, PLAN_ADMINISTRATORS, REOPEN, RETURN, SUBMIT, VIEW

REPORTER = Membership.Role.REPORTER
REVIEWER = Membership.Role.REVIEWER
VIEWER = Membership.Role.VIEWER


# --- Everywhere -----------------------------------------------------------------------


def is_plan_administrator(user) -> bool:
    """Whether ``user`` is in the plan administrators group (cached on the user)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_plan_administrator"):
        user._is_plan_administrator = user.groups.filter(name=PLAN_ADMINISTRATORS).exists()
    return user._is_plan_administrator


def sees_everything(user) -> bool:
    """Superusers and plan administrators see every unit, target and entry."""
    return user.is_authenticated and (user.is_superuser or is_plan_administrator(user))


# --- In SQL: querysets ------------------------------------------------------------------


def _held_units(user, roles=None) -> QuerySet:
    """Ids of the units ``user`` holds a membership on (with one of ``roles``)."""
    memberships = Membership.objects.filter(user=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("unit")


def _is_city(prefix: str = "") -> Q:
    """The city unit (``prefix`` "unit__" for an entry's unit)."""
    return Q(
        **{
            f"{prefix}level": AdministrativeUnit.Level.CITY,
            f"{prefix}kind": AdministrativeUnit.Kind.CITY,
        }
    )


def _city_figure_led_by(units, prefix: str = "", city_units=None) -> Q:
    """The lead-agency rule: entries (``prefix`` "") of the city unit for a city-wide
    target led by one of ``units``. Given ``city_units`` (ids of the city units), the
    rule reads only the entry's own columns (see :func:`admin_entries`)."""
    led = Target.objects.filter(
        reporting_units=Target.ReportingUnits.CITY, responsible_unit__in=units
    )
    if city_units is not None:
        return Q(**{f"{prefix}unit__in": city_units, f"{prefix}target__in": led})
    return _is_city(f"{prefix}unit__") & Q(
        **{
            f"{prefix}target__reporting_units": Target.ReportingUnits.CITY,
            f"{prefix}target__responsible_unit__in": units,
        }
    )


def visible_units(user, roles=None) -> QuerySet:
    """Units ``user`` may see (with one of ``roles``, if given): those of its
    memberships and every unit below them; every unit for :func:`sees_everything`."""
    units = AdministrativeUnit.objects.all()
    if sees_everything(user):
        return units
    if not user.is_authenticated:
        return units.none()
    return units.filter(at_or_below_q(_held_units(user, roles)))


def reportable_units(user) -> QuerySet:
    """Units ``user`` may record entries for: its reporter scope, plus the city itself
    when a unit of that scope leads a city-wide target (the lead agency reports the
    city figure)."""
    units = AdministrativeUnit.objects.all()
    if sees_everything(user):
        return units
    scope = visible_units(user, [REPORTER])
    leads_city_target = Target.objects.filter(
        reporting_units=Target.ReportingUnits.CITY, responsible_unit__in=scope
    )
    return units.filter(
        Q(pk__in=scope.values("pk"))
        | Q(level=AdministrativeUnit.Level.CITY, kind=AdministrativeUnit.Kind.CITY)
        & Exists(leads_city_target)
    )


def admin_units(user) -> QuerySet:
    """Units ``user`` sees in the admin: those it may see or report for."""
    units = AdministrativeUnit.objects.all()
    if sees_everything(user):
        return units
    return units.filter(
        Q(pk__in=visible_units(user).values("pk")) | Q(pk__in=reportable_units(user).values("pk"))
    )


def visible_targets(user, roles=None, *, units=None) -> QuerySet:
    """Targets ``user`` works on (with one of ``roles``, if given): those reported at
    a level where a unit of its scope sits, and the city-wide targets a unit of its
    scope leads. Every target for :func:`sees_everything`. Lazy: no query of its own.

    ``units``: the units of that scope when already read (:class:`AdminUnit` or units,
    with ``pk``, ``level`` and ``kind``); the levels are then matched in Python
    (``level_reports``, the twin of ``reporting_level_q``) and the query is a plain
    filter on the target table (the admin's target filter; issue 19)."""
    targets = Target.objects.all()
    if sees_everything(user):
        return targets
    if units is not None:
        levels = [
            key
            for key in REPORTING_LEVEL_KEYS
            if any(level_reports(key, unit.level, unit.kind) for unit in units)
        ]
        return targets.filter(
            Q(reporting_units__in=levels)
            | Q(
                reporting_units=Target.ReportingUnits.CITY,
                responsible_unit__in=[unit.pk for unit in units],
            )
        )
    scope = visible_units(user, roles)
    at_level = Q()
    for reporting_units in REPORTING_LEVEL_KEYS:
        units_at_level = scope.filter(AdministrativeUnit.reporting_level_q(reporting_units))
        at_level |= Q(reporting_units=reporting_units) & Exists(units_at_level)
    return targets.filter(
        at_level | Q(reporting_units=Target.ReportingUnits.CITY, responsible_unit__in=scope)
    )


def reportable_targets(user) -> QuerySet:
    """Targets ``user`` may record entries of (:func:`visible_targets` as a reporter)."""
    return visible_targets(user, [REPORTER])


def _entries_q(units, city_units=None) -> Q:
    """Entries of ``units`` (a queryset, or ids) and the city figure of the city-wide
    targets they lead."""
    return Q(unit__in=units) | _city_figure_led_by(units, city_units=city_units)


@dataclass(frozen=True)
class AdminUnit:
    """A unit of a user's admin scope (:func:`admin_scope_units`)."""

    pk: int
    level: str
    kind: str
    as_reporter: bool
    as_reviewer: bool
    is_city: bool


def admin_scope_units(user) -> list[AdminUnit]:
    """The units of ``user``'s reporter and reviewer scopes and the city units: one
    query on the small unit table, read once per request (kept on the user object)."""
    if not hasattr(user, "_admin_scope_units"):

        def at_or_below(roles):
            return ExpressionWrapper(at_or_below_q(_held_units(user, roles)), BooleanField())

        rows = (
            AdministrativeUnit.objects.filter(at_or_below_q(_held_units(user)) | _is_city())
            .annotate(
                as_reporter=at_or_below([REPORTER]),
                as_reviewer=at_or_below([REVIEWER]),
                is_city=ExpressionWrapper(_is_city(), BooleanField()),
            )
            .values_list("pk", "level", "kind", "as_reporter", "as_reviewer", "is_city")
        )
        user._admin_scope_units = [AdminUnit(*row) for row in rows]
    return user._admin_scope_units


def _admin_unit_ids(user) -> tuple[list[int], list[int], list[int]]:
    """Ids of the units of ``user``'s reporter scope, of its reviewer scope, and of the
    city units (:func:`admin_scope_units`)."""
    units = admin_scope_units(user)
    return (
        [unit.pk for unit in units if unit.as_reporter],
        [unit.pk for unit in units if unit.as_reviewer],
        [unit.pk for unit in units if unit.is_city],
    )


def visible_entries(user, entries=None, roles=None) -> QuerySet:
    """Entries of ``entries`` (default: all) that ``user`` may see (with one of
    ``roles``, if given): those of the units of its scope, and the city figure of the
    city-wide targets a unit of its scope leads."""
    entries = ProgressEntry.objects.all() if entries is None else entries
    if sees_everything(user):
        return entries
    if not user.is_authenticated:
        return entries.none()
    return entries.filter(_entries_q(visible_units(user, roles)))


def admin_entries(user, entries=None, *, units_first: bool = False) -> QuerySet:
    """Entries of ``entries`` (default: all) ``user`` works on in the admin: every
    entry in its reporter scope, and the entries past draft in its reviewer scope
    (drafts are the reporter's own work until submitted).

    Lazy (no query of its own) unless ``units_first``: then the ids of the scope's units
    are read first (one query on the unit table) and the entries are filtered by those
    ids, which PostgreSQL serves from the entries' unit index with exact row estimates;
    written as subqueries, a district's scope read most of a million entries to count
    its own (the admin entry list; issue 19)."""
    entries = ProgressEntry.objects.all() if entries is None else entries
    if sees_everything(user):
        return entries
    if not user.is_authenticated:
        return entries.none()
    if units_first:
        reporter, reviewer, city = _admin_unit_ids(user)
    else:
        reporter, reviewer = visible_units(user, [REPORTER]), visible_units(user, [REVIEWER])
        city = None
    return entries.filter(
        _entries_q(reporter, city)
        | (_entries_q(reviewer, city) & ~Q(status=ProgressEntry.Status.DRAFT))
    )


def raw_entries(user, entries=None) -> QuerySet:
    """Entries of ``entries`` (default: all) ``user`` may download raw: those the admin
    shows them (:func:`admin_entries`: a draft only to its unit's reporters), and for
    managers, who have no admin, the entries past draft of their viewer scope."""
    entries = ProgressEntry.objects.all() if entries is None else entries
    if sees_everything(user):
        return entries
    viewed = visible_entries(user, entries, roles=[VIEWER]).exclude(
        status=ProgressEntry.Status.DRAFT
    )
    return admin_entries(user, entries) | viewed


def report_units(user) -> QuerySet:
    """Units ``user`` may draft a status report for: the city, agencies and districts
    of its reviewer scope (every one for plan administrators and superusers)."""
    return visible_units(user, [REVIEWER]).filter(
        Q(kind__in=[AdministrativeUnit.Kind.CITY, AdministrativeUnit.Kind.AGENCY])
        | Q(level=AdministrativeUnit.Level.DISTRICT)
    )


def visible_reports(user, reports=None) -> QuerySet:
    """Status reports of ``reports`` (default: all) ``user`` may see and work on: those
    of the units of its reviewer scope."""
    reports = StatusReport.objects.all() if reports is None else reports
    if sees_everything(user):
        return reports
    if not user.is_authenticated:
        return reports.none()
    return reports.filter(unit__in=visible_units(user, [REVIEWER]).values("pk"))


def roles_by_user() -> dict[int, set[str]]:
    """{user id: the roles they hold on any unit} of every member. One query."""
    held: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.values_list("user", "role"):
        held.setdefault(user_id, set()).add(role)
    return held


def member_units(user) -> QuerySet:
    """The units ``user`` holds a membership on (any role): city, then districts, then
    communes, each by code."""
    return (
        AdministrativeUnit.objects.filter(pk__in=_held_units(user))
        .annotate(
            level_rank=Case(
                When(level=AdministrativeUnit.Level.CITY, then=Value(0)),
                When(level=AdministrativeUnit.Level.DISTRICT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("level_rank", "code")
    )


# --- In Python: one unit, one entry -----------------------------------------------------


def _role_units(user, role: str) -> set[int]:
    """Ids of the units ``user`` holds ``role`` on (one query, cached on the user)."""
    if not hasattr(user, "_role_units"):
        cache: dict[str, set[int]] = {}
        for unit_id, held in Membership.objects.filter(user=user.pk).values_list("unit", "role"):
            cache.setdefault(held, set()).add(unit_id)
        user._role_units = cache
    return user._role_units.get(role, set())


def covers(user, role: str, unit, target=None) -> bool:
    """Whether ``user`` holds ``role`` on ``unit`` or a unit above it, or (given the
    ``target``) leads a city-wide target whose city figure ``unit`` carries."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    held = _role_units(user, role)
    if not held:
        return False
    if held & unit.line_ids:
        return True
    return (
        target is not None
        and target.reporting_units == Target.ReportingUnits.CITY
        and unit.level == AdministrativeUnit.Level.CITY
        and unit.kind == AdministrativeUnit.Kind.CITY
        and target.responsible_unit_id in held
    )


def may_report(user, target, unit) -> bool:
    """Whether ``user`` may record a figure of ``target`` for ``unit`` (scope and the
    add permission; the unit's level is checked by ``ProgressEntry.clean``)."""
    return user.has_perm("targets.add_progressentry") and covers(user, REPORTER, unit, target)


def is_author(user, entry) -> bool:
    """Whether ``user`` created ``entry`` or last submitted it: such a person never
    approves it (separation of duties), even holding the reviewer role on its unit.

    While an entry is submitted, its ``updated_by`` is who submitted it: nothing but
    the workflow writes a submitted entry, and submitting sets ``updated_by``. Returning
    and reopening stay open to the author: they make nothing count, and returning is
    how an author takes back a submission to correct it.
    """
    return user.pk is not None and user.pk in (entry.created_by_id, entry.updated_by_id)


def entry_permissions(user, entry) -> frozenset[str]:
    """What ``user`` may do with ``entry`` in its current status: a subset of
    ``VIEW``, ``CHANGE``, ``SUBMIT``, ``APPROVE``, ``RETURN``, ``REOPEN``
    (``targets.domain.roles``).

    The admin hides what is not here and the services refuse it. Approved entries
    are locked: nobody, not even a superuser, may change them except by reopening.
    Nobody approves an entry they created or last submitted (:func:`is_author`).
    """
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    Status = ProgressEntry.Status
    as_reporter = covers(user, REPORTER, entry.unit, entry.target)
    as_reviewer = covers(user, REVIEWER, entry.unit, entry.target)
    allowed = set()
    if user.has_perm("targets.view_progressentry") and (
        as_reporter or (as_reviewer and entry.status != Status.DRAFT)
    ):
        allowed.add(VIEW)
    if as_reporter and entry.status in (Status.DRAFT, Status.RETURNED):
        if user.has_perm("targets.change_progressentry"):
            allowed.add(CHANGE)
        if user.has_perm("targets.submit_progressentry"):
            allowed.add(SUBMIT)
    if as_reviewer and user.has_perm("targets.review_progressentry"):
        if entry.status == Status.SUBMITTED:
            allowed.add(RETURN)
            if not is_author(user, entry):
                allowed.add(APPROVE)
        elif entry.status == Status.APPROVED:
            allowed.add(REOPEN)
    return frozenset(allowed)


# --- What a manager's pages and reports cover ----------------------------------------


@dataclass
class Scope:
    """What a manager sees: ``unit`` (the city, or the top unit of their memberships)
    and ``units``, every unit they may open (:func:`visible_units`). ``key`` names
    ``units`` for a cache (``targets.pages.cache``): ``("all",)`` for those who see
    everything, else the ids of the units their memberships are on, from which
    ``units`` follows."""

    unit: AdministrativeUnit
    units: QuerySet
    key: tuple = ()

    @property
    def whole_city(self) -> bool:
        return self.unit.kind == AdministrativeUnit.Kind.CITY

    @property
    def within(self) -> AdministrativeUnit | None:
        """The ``within`` argument of ``targets.domain.progress`` (None: the whole city)."""
        return None if self.whole_city else self.unit

    def narrow(self, units: QuerySet) -> QuerySet:
        return units if self.whole_city else units.filter(pk__in=self.units)

    @classmethod
    def of_unit(cls, unit: AdministrativeUnit) -> "Scope":
        """The scope of a report or a command about ``unit`` and the units below it
        (its key names the unit: the figures depend on nothing else)."""
        return cls(unit=unit, units=AdministrativeUnit.objects.within(unit), key=("unit", unit.pk))


def read_scope(user) -> Scope:
    """The :class:`Scope` of ``user``'s pages. A manager with memberships on several
    units sees roll-ups of the first (city, then districts, then by code) and may open
    any of them. Raises PermissionDenied for a user with no unit at all."""
    if sees_everything(user):
        city = AdministrativeUnit.objects.filter(kind=AdministrativeUnit.Kind.CITY).first()
        if city is None:
            raise Http404(_("Chưa có đơn vị hành chính nào."))
        return Scope(unit=city, units=visible_units(user), key=("all",))
    roots = list(member_units(user))
    if not roots:
        raise PermissionDenied(_("Bạn chưa được phân quyền xem đơn vị nào."))
    # The units follow from the memberships read here (the key), not from a second read
    # later in the request: a membership granted meanwhile cannot widen a kept page.
    held = sorted(unit.pk for unit in roots)
    units = AdministrativeUnit.objects.filter(at_or_below_q(held))
    return Scope(unit=roots[0], units=units, key=tuple(held))


def report_unit(user, unit: AdministrativeUnit | None = None) -> AdministrativeUnit | None:
    """The units a report for ``user`` covers: None for the whole city (superusers, plan
    administrators and members of the city), else their highest unit (a district's
    viewer gets the district). ``unit`` narrows it to a unit inside their scope.

    Raises PermissionDenied for a unit outside the scope or a user with no unit.
    """
    everywhere = sees_everything(user)
    if unit is not None:
        if not everywhere and not visible_units(user).filter(pk=unit.pk).exists():
            raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi được phân quyền của bạn."))
        return unit
    if everywhere:
        return None
    top = (
        member_units(user)
        .select_related("parent__parent")
        .order_by("level_rank", Case(When(kind="city", then=0), default=1), "code")
        .first()
    )
    if top is None:
        raise PermissionDenied(_("Tài khoản của bạn chưa được phân quyền đơn vị nào."))
    return None if top.kind == AdministrativeUnit.Kind.CITY else top
