"""Report deadlines: when each period's report is due, which entries came late and
which units are overdue.

A period's report is due ``TARGETS_DUE_DAYS[frequency]`` days after the period ends
(a plan's ``due_days_<frequency>`` overrides the setting). An entry sent to review after
that day is late; a unit without a submitted or approved entry once the day has passed
is overdue. Pure functions on dates, except :func:`overdue_units` (two queries).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from targets.domain import periods


def due_days(plan, frequency: str) -> int:
    """Days after a period's end by which a report of ``frequency`` is due in ``plan``."""
    own = getattr(plan, f"due_days_{frequency}", None) if plan is not None else None
    return own if own is not None else settings.TARGETS_DUE_DAYS[frequency]


def due_date(target, period_end: datetime.date) -> datetime.date:
    """The last day on which ``target``'s report for ``period_end`` is on time."""
    return period_end + datetime.timedelta(days=due_days(target.plan, target.frequency))


@dataclass(frozen=True)
class Due:
    """A target's report for one period, worked out once per target (a page of
    thousands of units' reports builds one per target, not one per unit): the period
    (``period_end``), whether it has ended inside the plan (``is_due``: an annual target
    has nothing due before its first 31 December), the last day on which the report is
    on time (``date``, :func:`due_date`), and whether the period was held back to the
    last one of the target's reporting level (``level_ended``: a district target after
    30/06/2025, when the district level was abolished)."""

    period_end: datetime.date
    is_due: bool
    date: datetime.date
    level_ended: bool = False

    @classmethod
    def of(cls, target, period_end: datetime.date, *, level_ended: bool = False) -> "Due":
        """The report of ``target`` (its plan loaded) for ``period_end``."""
        return cls(
            period_end=period_end,
            is_due=period_end >= target.plan.start_date,
            date=due_date(target, period_end),
            level_ended=level_ended,
        )

    def previous(self, target) -> "Due":
        """The report of the period before this one (the change since the previous
        period compares the two by the same rule)."""
        day = self.period_end - datetime.timedelta(days=1)
        return Due.of(target, periods.latest_period_end(target.frequency, day))

    def late(self, submitted_on: datetime.date | None, sent: bool, as_of: datetime.date) -> bool:
        """Whether the report is late on ``as_of``: ``sent`` (submitted or approved)
        after the due date, or not sent while ``as_of`` is past it. A report sent
        without a submission date (imported) is not known late."""
        if sent:
            return submitted_on is not None and submitted_on > self.date
        return self.overdue(as_of)

    def overdue(self, as_of: datetime.date) -> bool:
        """Whether, on ``as_of``, the due date has passed (:func:`is_overdue`)."""
        return as_of > self.date


def target_due(target, as_of: datetime.date, *, level_end: datetime.date | None = None) -> Due:
    """The :class:`Due` of ``target``'s report counted on ``as_of``: the one definition
    of a target's current period. It is the latest period end of its frequency on or
    before ``as_of``, inside its plan (after the plan's end: its last period), and inside
    the life of its reporting level (``level_end``: the last day a unit at that level
    exists, ``targets.domain.tree.Units.level_end``; None: it still exists)."""
    day = min(as_of, target.plan.end_date)
    level_ended = level_end is not None and level_end < day
    if level_ended:
        day = level_end
    return Due.of(target, periods.latest_period_end(target.frequency, day), level_ended=level_ended)


def is_late(entry) -> bool:
    """Whether ``entry`` was sent to review after its due date (the day it was last sent,
    in the site's time zone)."""
    if entry.submitted_at is None:
        return False
    sent = timezone.localdate(entry.submitted_at)
    return sent > due_date(entry.target, entry.period_end)


def is_overdue(target, period_end: datetime.date, as_of: datetime.date) -> bool:
    """Whether, on ``as_of``, the due date of ``target``'s report for ``period_end`` has
    passed (an entry not yet submitted is then overdue)."""
    return Due.of(target, period_end).overdue(as_of)


@dataclass
class Overdue:
    """One target's overdue units for one period."""

    target: object
    period_end: datetime.date
    due: datetime.date
    units: list = field(default_factory=list)


def overdue_units(targets, units, as_of: datetime.date) -> list[Overdue]:
    """For each of ``targets`` whose current period (on ``as_of``) is past its due date:
    the units of ``units`` (an AdministrativeUnit queryset: the scope) that report it,
    are active on that period, and have no submitted or approved entry for it.
    Two queries whatever the number of targets and units; targets without overdue
    units are left out."""
    from targets.domain.models import ProgressEntry

    due_targets = []
    for target in targets:
        due = target_due(target, as_of)
        if due.is_due and due.overdue(as_of):
            due_targets.append((target, due.period_end))
    if not due_targets:
        return []
    units = list(units.order_by("code"))
    # The very (target, period end) pairs asked about: once a plan has ended, its
    # current period is its last one, not the latest period before ``as_of``.
    pairs = Q()
    for target, period_end in due_targets:
        pairs |= Q(target=target, period_end=period_end)
    sent = set(
        ProgressEntry.objects.filter(
            pairs,
            status__in=[ProgressEntry.Status.SUBMITTED, ProgressEntry.Status.APPROVED],
        ).values_list("target", "unit", "period_end")
    )
    found = []
    for target, period_end in due_targets:
        late = [
            unit
            for unit in units
            if unit.reports_at(target.reporting_units)
            and unit.is_active_on(period_end)
            and (target.pk, unit.pk, period_end) not in sent
        ]
        if late:
            found.append(Overdue(target, period_end, due_date(target, period_end), late))
    return found


def overdue_figures(figures, as_of: datetime.date) -> list:
    """Of ``figures`` (``targets.domain.completeness.Report`` or ``targets.domain.progress.Figure``, with
    ``due``, of units that have not reported the
    current period), those whose report is past its due date on ``as_of``."""
    return [f for f in figures if f.due.overdue(as_of)]
