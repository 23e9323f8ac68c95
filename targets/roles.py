"""Who may do what: the staff groups, and the one helper that says what a user may do
with one progress entry.

Two things decide it. The group gives the model permissions, i.e. which admin screens
and buttons a person has (``python manage.py setup_roles`` applies ``GROUP_PERMISSIONS``).
``Membership`` gives the scope: a role on a unit covers that unit and every unit below
it; the lead agency of a city-wide target also covers that target's city figure.
Viewers are not staff: they read the pages, never the admin.
"""

from django.utils.translation import gettext_lazy as _

PLAN_ADMINISTRATORS = "plan_administrators"
REPORTERS = "reporters"
REVIEWERS = "reviewers"

GROUP_LABELS = {
    PLAN_ADMINISTRATORS: _("Quản trị kế hoạch"),
    REPORTERS: _("Người báo cáo"),
    REVIEWERS: _("Người duyệt"),
}

_READ_REFERENCE = [
    "targets.view_plan",
    "targets.view_pillar",
    "targets.view_target",
    "targets.view_administrativeunit",
]

# Status reports (issue 17): plan administrators and reviewers draft and issue them,
# each within its scope (``targets.reports.records``).
_STATUS_REPORTS = [
    "targets.view_statusreport",
    "targets.add_statusreport",
    "targets.change_statusreport",
    "targets.issue_statusreport",
]

GROUP_PERMISSIONS = {
    PLAN_ADMINISTRATORS: [
        f"{app}.{action}_{model}"
        for app, model in [
            ("targets", "plan"),
            ("targets", "pillar"),
            ("targets", "target"),
            ("targets", "administrativeunit"),
            ("targets", "membership"),
            ("auth", "user"),
        ]
        for action in ("view", "add", "change", "delete")
    ]
    + ["targets.view_progressentry"]
    + _STATUS_REPORTS
    + ["targets.delete_statusreport"],
    REPORTERS: _READ_REFERENCE
    + [
        "targets.view_progressentry",
        "targets.add_progressentry",
        "targets.change_progressentry",
        "targets.submit_progressentry",
    ],
    # Reviewers never edit figures: they approve, return or reopen them.
    REVIEWERS: _READ_REFERENCE
    + ["targets.view_progressentry", "targets.review_progressentry"]
    + _STATUS_REPORTS,
}

# What a user may do with one entry (see ``entry_permissions``).
VIEW = "view"
CHANGE = "change"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
REOPEN = "reopen"


def _role_units(user, role: str) -> set[int]:
    """Ids of the units ``user`` holds ``role`` on (cached on the user object)."""
    if not hasattr(user, "_role_units"):
        from targets.models import Membership

        cache: dict[str, set[int]] = {}
        for unit_id, held in Membership.objects.filter(user=user).values_list("unit", "role"):
            cache.setdefault(held, set()).add(unit_id)
        user._role_units = cache
    return user._role_units.get(role, set())


def _everywhere(user) -> bool:
    from targets.models import user_is_plan_administrator

    return user.is_superuser or user_is_plan_administrator(user)


def covers(user, role: str, unit, target=None) -> bool:
    """Whether ``user`` holds ``role`` on ``unit`` or a unit above it, or (given the
    ``target``) leads a city-wide target whose city figure ``unit`` carries."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _everywhere(user):
        return True
    held = _role_units(user, role)
    if not held:
        return False
    line = {unit.pk, unit.parent_id}
    if unit.parent_id is not None:
        line.add(unit.parent.parent_id)
    if held & (line - {None}):
        return True
    return (
        target is not None
        and target.reporting_units == "city"
        and unit.level == "city"
        and unit.kind == "city"
        and target.responsible_unit_id in held
    )


def may_report(user, target, unit) -> bool:
    """Whether ``user`` may record a figure of ``target`` for ``unit`` (scope and the
    add permission; the unit's level is checked by ``ProgressEntry.clean``)."""
    from targets.models import Membership

    return user.has_perm("targets.add_progressentry") and covers(
        user, Membership.Role.REPORTER, unit, target
    )


def entry_permissions(user, entry) -> frozenset[str]:
    """What ``user`` may do with ``entry`` in its current status: a subset of
    ``VIEW``, ``CHANGE``, ``SUBMIT``, ``APPROVE``, ``RETURN``, ``REOPEN``.

    The admin hides what is not here and the services refuse it. Approved entries
    are locked: nobody, not even a superuser, may change them except by reopening.
    """
    from targets.models import Membership, ProgressEntry

    if not (user.is_authenticated and user.is_active):
        return frozenset()
    Status = ProgressEntry.Status
    as_reporter = covers(user, Membership.Role.REPORTER, entry.unit, entry.target)
    as_reviewer = covers(user, Membership.Role.REVIEWER, entry.unit, entry.target)
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
            allowed |= {APPROVE, RETURN}
        elif entry.status == Status.APPROVED:
            allowed.add(REOPEN)
    return frozenset(allowed)
