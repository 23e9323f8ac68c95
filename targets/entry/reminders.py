"""Reminder emails of the reporting round (``python manage.py send_reminders``).

Reporters hear about the units of their scope whose report for the current period is
missing (no entry, a draft, or returned) once the due date is near
(``TARGETS_REMIND_DAYS_BEFORE`` days before it) and after it, until the next period
ends; reviewers hear how many entries wait in their queue. One message per person, in
the language stored on their account, with links to the sheet and the queue.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from targets.domain import deadlines, periods, scope
from targets.domain.formatting import date
from targets.domain.models import AdministrativeUnit, Membership, ProgressEntry, Target, UserProfile

# Units named in one line of a message; the rest are counted.
UNITS_LISTED = 15


@dataclass
class MissingReport:
    """One target's missing reports for one period, in one person's scope."""

    target: Target
    period_end: datetime.date
    due: datetime.date
    units: list
    sheet_url: str
    as_of: datetime.date

    @property
    def overdue(self) -> bool:
        return self.as_of > self.due

    @property
    def units_listed(self) -> str:
        names = [f"{u.code} {u.display_name}" for u in self.units[:UNITS_LISTED]]
        more = len(self.units) - UNITS_LISTED
        return "; ".join(names) + (f" … (+{more})" if more > 0 else "")


@dataclass
class Reminder:
    user: object
    language: str
    missing: list = field(default_factory=list)
    waiting: int = 0
    queue_url: str = ""


def _link(path: str, query: dict | None = None) -> str:
    return settings.TRACKER_BASE_URL + path + ("?" + urlencode(query) if query else "")


def _due_targets(as_of: datetime.date) -> list[tuple[Target, datetime.date, datetime.date]]:
    """(target, period end, due date) of every target whose latest period ending on or
    before ``as_of`` lies inside its plan and is due within the reminder window."""
    before = datetime.timedelta(days=settings.TARGETS_REMIND_DAYS_BEFORE)
    found = []
    for target in Target.objects.select_related("plan").order_by("plan", "order", "code"):
        period_end = periods.latest_period_end(target.frequency, as_of)
        plan = target.plan
        if not (plan.start_date <= period_end <= plan.end_date):
            continue
        due = deadlines.due_date(target, period_end)
        if as_of >= due - before:
            found.append((target, period_end, due))
    return found


def _missing_by_target(due_targets, as_of):
    """For each due (target, period): the active units at its level without a submitted
    or approved entry for the period (a draft or returned one counts as missing)."""
    if not due_targets:
        return {}
    sent = set(
        ProgressEntry.objects.filter(
            target__in=[t for t, _p, _d in due_targets],
            status__in=[ProgressEntry.Status.SUBMITTED, ProgressEntry.Status.APPROVED],
        )
        .current_period(as_of)
        .values_list("target", "unit")
    )
    units = list(AdministrativeUnit.objects.select_related("parent").order_by("code"))
    return {
        target.pk: [
            unit
            for unit in units
            if unit.reports_at(target.reporting_units)
            and unit.is_active_on(period_end)
            and (target.pk, unit.pk) not in sent
        ]
        for target, period_end, _due in due_targets
    }


def _language(user) -> str:
    try:
        return user.profile.language
    except UserProfile.DoesNotExist:
        return settings.LANGUAGE_CODE


def gather_reminders(as_of: datetime.date) -> list[Reminder]:
    """Who is reminded of what on ``as_of``: reporters (and reviewers) with a
    membership, an active account and an email address; one ``Reminder`` each."""
    due_targets = _due_targets(as_of)
    missing = _missing_by_target(due_targets, as_of)
    roles_by_user = scope.roles_by_user()
    people = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=list(roles_by_user))
        .exclude(email="")
        .select_related("profile")
        .order_by("username")
    )
    sheet = reverse("admin:targets_progressentry_sheet")
    reminders = []
    for user in people:
        held = roles_by_user.get(user.pk, set())
        reminder = Reminder(user=user, language=_language(user))
        if Membership.Role.REPORTER in held:
            for target, period_end, due in due_targets:
                units = [u for u in missing[target.pk] if scope.may_report(user, target, u)]
                if not units:
                    continue
                query = {"plan": target.plan.code, "period_end": period_end.isoformat()}
                query["unit"] = units[0].code if len(units) == 1 else _common_root(units).code
                if len(units) > 1 or units[0].level == AdministrativeUnit.Level.COMMUNE:
                    query["target"] = target.code
                reminder.missing.append(
                    MissingReport(target, period_end, due, units, _link(sheet, query), as_of)
                )
        if Membership.Role.REVIEWER in held and user.has_perm("targets.review_progressentry"):
            reminder.waiting = (
                scope.visible_entries(user, roles=[scope.REVIEWER])
                .filter(status=ProgressEntry.Status.SUBMITTED)
                .count()
            )
            reminder.queue_url = _link(reverse("admin:targets_progressentry_review"))
        if reminder.missing or reminder.waiting:
            reminders.append(reminder)
    return reminders


def _common_root(units):
    """The unit whose sheet lists ``units``: their district when they share one, else
    the city."""
    parents = {u.parent_id if u.level == AdministrativeUnit.Level.COMMUNE else u.pk for u in units}
    if len(parents) == 1:
        unit = units[0]
        return unit.parent if unit.level == AdministrativeUnit.Level.COMMUNE else unit
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.CITY, kind="city")


def reminder_message(reminder: Reminder, as_of: datetime.date) -> EmailMessage:
    """The email of one ``Reminder``, in the person's language."""
    with translation.override(reminder.language):
        context = {"reminder": reminder, "as_of": as_of, "site": settings.TRACKER_BASE_URL}
        subject = _("[Chuyển đổi số Hải Phòng] Nhắc việc báo cáo ngày %(day)s") % {
            "day": date(as_of)
        }
        body = render_to_string("targets/email/reminder.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.user.email],
    )
