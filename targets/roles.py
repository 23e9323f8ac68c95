"""The staff groups and the model permissions each one holds.

Scope (which units a person may touch) comes from ``Membership``; these groups only
decide which admin screens a person sees. ``python manage.py setup_roles`` applies them.
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
    + ["targets.view_progressentry"],
    REPORTERS: _READ_REFERENCE
    + ["targets.view_progressentry", "targets.add_progressentry", "targets.change_progressentry"],
    REVIEWERS: _READ_REFERENCE + ["targets.view_progressentry", "targets.change_progressentry"],
}
