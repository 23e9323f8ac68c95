"""Completeness with states: for the period due of each target, where each unit's
report stands (not entered, draft, submitted, returned, approved) and whether it is
late, counted per district.

A report is due once its period has ended (``Figure.is_due``: an annual target has
nothing due before its first 31 December). It is late when it was not submitted by
its due date (``targets.domain.deadlines.due_date``: ``TARGETS_DUE_DAYS`` of its frequency, or
the plan's own): submitted or approved after that day, or still not submitted when the
date shown is past it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from targets.domain import deadlines
from targets.domain.models import ProgressEntry
from targets.domain.progress import target_dues

HUNDRED = Decimal(100)


class EntryState(models.TextChoices):
    NOT_ENTERED = "not_entered", _("Chưa nhập")
    DRAFT = "draft", _("Đang nhập (nháp)")
    RETURNED = "returned", _("Bị trả lại")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")


STATE_ORDER = [
    EntryState.NOT_ENTERED,
    EntryState.DRAFT,
    EntryState.RETURNED,
    EntryState.SUBMITTED,
    EntryState.APPROVED,
]


SENT = (EntryState.SUBMITTED, EntryState.APPROVED)


def is_late(state: str, submitted_on: datetime.date | None, target, period_end, as_of) -> bool:
    """Whether a report of ``target`` for ``period_end`` in ``state`` is late on
    ``as_of`` (see the module's docstring; the rule is ``targets.domain.deadlines.Due.late``)."""
    return deadlines.Due.of(target, period_end).late(submitted_on, state in SENT, as_of)


def entry_states(targets, units, due: dict) -> dict[tuple[int, int], tuple]:
    """{(target id, unit id): (status, submitted_on)} of the entries, of any status, of
    each target's period due (``due``: {target id: ``deadlines.Due``}); ``submitted_on``
    is the day it was last sent, in the site's time zone (computed by the database).
    One query."""
    by_period = defaultdict(list)
    for target in targets:
        by_period[due[target.pk].period_end].append(target.pk)
    # The very (period, targets) asked about: one range of ``targets_entry_period`` each.
    due = Q(pk__in=[])
    for period_end, ids in by_period.items():
        due |= Q(period_end=period_end, target__in=ids)
    rows = (
        ProgressEntry.objects.filter(due, unit__in=units)
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values_list("target", "unit", "status", "submitted_on")
        .order_by()
    )
    return {(target, unit): (status, sent) for target, unit, status, sent in rows}


@dataclass(slots=True, eq=False)
class Report:
    """One unit's report of one target for the period due on ``as_of``: where it stands
    (``state``), whether it is ``late``, and the unit's latest approved period
    (``last_period``, set when the report is not approved). A completeness page holds
    one per (unit, target): slotted and small, not a figure (completeness counts
    reports, not figures)."""

    target: object
    unit: object
    as_of: datetime.date
    due: deadlines.Due
    state: EntryState
    late: bool
    reported: int  # 1 when approved
    last_period: datetime.date | None = None

    expected = 1  # one report expected of the unit

    @property
    def district(self):
        return self.unit.district

    @property
    def period_due(self) -> datetime.date:
        return self.due.period_end

    @property
    def is_due(self) -> bool:
        return self.due.is_due

    @property
    def period_query(self) -> str:
        """``plan=…&as_of=…`` for links to other pages about the same plan and date."""
        return f"plan={self.target.plan.code}&as_of={self.as_of.isoformat()}"


def report_figures(targets, as_of: datetime.date, root=None, *, units, only=None) -> list[Report]:
    """A :class:`Report` for each unit expected to report each target of ``targets``
    (their plan loaded) whose report is due on ``as_of`` (``deadlines.Due.is_due``): the
    units at the target's reporting level, valid on its current period's end, inside
    ``root`` (a unit; None: the city), and among ``only`` (unit ids) when given. The
    tree is ``units`` (``targets.domain.tree.Units``). Units by code, targets in the given
    order. Two queries (the entries of the periods due, the latest approved entries of
    the pairs not approved; the last one is skipped when every report is approved).

    This is the one reading of the reporting state: completeness, the review queue's
    overdue list, the reminders and the status report's missing units all call it.

    In bulk: the report due (``targets.domain.progress.target_dues``: the one definition
    of a target's current period) is worked out once per target; per report only a
    dictionary look-up and the lateness comparison. A report is approved when its
    period's entry is, so the latest approved entries are probed only for the (target,
    unit) pairs with a report missing."""
    root = root if root is not None else units.city()
    due = target_dues(targets, as_of, units)
    targets = [target for target in targets if due[target.id].is_due]
    expected = {}
    for target in targets:
        found = units.at_level(target.reporting_units, due[target.id].period_end, root)
        expected[target.id] = [u for u in found if only is None or u.pk in only]
    unit_ids = sorted({unit.pk for found in expected.values() for unit in found})
    states = entry_states(targets, unit_ids, due) if targets and unit_ids else {}
    approved = ProgressEntry.Status.APPROVED
    state_of = {state.value: state for state in EntryState}
    reports, missing = [], []
    for target in targets:
        target_due = due[target.id]
        for unit in expected[target.id]:
            status, submitted_on = states.get((target.id, unit.id), (None, None))
            if status == approved:
                late = target_due.late(submitted_on, True, as_of)
                reports.append(
                    Report(target, unit, as_of, target_due, EntryState.APPROVED, late, 1)
                )
                continue
            state = EntryState.NOT_ENTERED if status is None else state_of[status]
            late = target_due.late(submitted_on, state in SENT, as_of)
            report = Report(target, unit, as_of, target_due, state, late, 0)
            reports.append(report)
            missing.append(report)
    if missing:
        latest = dict(
            ((target, unit), period_end)
            for target, unit, period_end in ProgressEntry.objects.latest_approved(
                as_of, pairs=[(r.target.id, r.unit.id) for r in missing]
            )
            .values_list("target", "unit", "period_end")
            .order_by()
        )
        for report in missing:
            report.last_period = latest.get((report.target.id, report.unit.id))
    reports.sort(key=lambda report: report.unit.code)  # stable: targets keep their order
    return reports


def missing_reports(reports) -> list[Report]:
    """Of ``reports``, those not sent (not entered, a draft, or returned): what the
    reminders ask for."""
    return [report for report in reports if report.state not in SENT]


def overdue_reports(reports) -> list[Report]:
    """Of ``reports``, those not sent whose due date has passed on their date (the review
    queue's overdue units)."""
    return [r for r in missing_reports(reports) if r.due.overdue(r.as_of)]


def past_due(reports) -> list[Report]:
    """Of ``reports``, those whose due date has passed on their date (the completeness
    page lists the ones not approved)."""
    return [r for r in reports if r.due.overdue(r.as_of)]


@dataclass
class StateCount:
    """Reports of one district (communes with their district), or of the city level,
    by state."""

    name: str
    code: str
    states: dict = field(default_factory=lambda: dict.fromkeys(STATE_ORDER, 0))
    late: int = 0

    @property
    def expected(self) -> int:
        return sum(self.states.values())

    @property
    def reported(self) -> int:
        """Approved reports: the ones that count."""
        return self.states[EntryState.APPROVED]

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def share(self) -> Decimal:
        return HUNDRED * self.reported / self.expected if self.expected else Decimal(0)

    def __getattr__(self, name):
        # ``not_entered``, ``draft``, ... as attributes, for the table's accessors.
        if name in EntryState.values:
            return self.states[EntryState(name)]
        raise AttributeError(name)


def state_counts_by_district(figures, city_label: str) -> list[StateCount]:
    """Figures with states (:func:`report_figures`) counted per district; units above
    the districts under ``city_label``. No query."""
    counts: dict = {}
    for figure in figures:
        district = figure.district
        key = district.code if district else ""
        if key not in counts:
            name = district.display_name if district else city_label
            counts[key] = StateCount(name=name, code=key)
        counts[key].states[figure.state] += 1
        counts[key].late += int(figure.late)
    return [counts[key] for key in sorted(counts)]
