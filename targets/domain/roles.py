"""Who may do what: the staff groups, their permissions, and the names of what one may
do with an entry. Which units and entries a person covers is ``targets.domain.scope``.

Two things decide it. The group gives the model permissions, i.e. which admin screens
and buttons a person has (``python manage.py setup_roles`` applies ``GROUP_PERMISSIONS``).
``Membership`` gives the scope: a role on a unit covers that unit and every unit below
it; the lead agency of a city-wide target also covers that target's city figure.
Viewers are not staff: they read the pages, never the admin. This module imports
nothing of the project, so every layer may use its names.
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

# What a user may do with one entry (see ``targets.domain.scope.entry_permissions``).
VIEW = "view"
CHANGE = "change"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
REOPEN = "reopen"
