"""Completeness with states: for the period due of each target, where each unit's
report stands (not entered, draft, submitted, returned, approved) and whether it is
late, counted per district.

A report is due once its period has ended (``Figure.is_due``: an annual target has
nothing due before its first 31 December). It is late when it was not submitted by
its due date (``targets.deadlines.due_date``: ``TARGETS_DUE_DAYS`` of its frequency, or
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

from targets import deadlines, periods
from targets.models import ProgressEntry

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
    ``as_of`` (see the module's docstring; the rule is ``targets.deadlines.Due.late``)."""
    return deadlines.Due.of(target, period_end).late(submitted_on, state in SENT, as_of)


def entry_states(targets, units, as_of: datetime.date) -> dict[tuple[int, int], tuple]:
    """{(target id, unit id): (status, submitted_on)} of the entries, of any status, of
    the period due of each target on ``as_of``; ``submitted_on`` is the day it was last
    sent, in the site's time zone (computed by the database). One query."""
    by_period = defaultdict(list)
    for target in targets:
        by_period[periods.latest_period_end(target.frequency, as_of)].append(target.pk)
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


def report_figures(targets, as_of: datetime.date, units) -> list:
    """For each unit of ``units`` (a queryset of units active on ``as_of``) and each
    target of ``targets`` (with their plan loaded) that the unit reports and whose
    report is due on ``as_of`` (``deadlines.Due.is_due``): a unit figure
    (``targets.progress.Figure``, ``expected`` 1) with ``state`` (an
    :class:`EntryState`), ``late``, ``reported`` (1 when approved) and, when the report
    is not approved, ``last_period`` (the unit's latest approved period before).
    Units in the order of ``units``, targets in the given order. Three queries (the
    units, the entries of the periods due, the latest approved entries of the pairs
    not approved; the last one is skipped when every report is approved).

    In bulk: the report due (``deadlines.target_due``) is worked out once per target;
    per figure only a dictionary look-up and the lateness comparison. A report is
    approved when its period's entry is (then it is the unit's latest approved entry),
    so the latest approved entries are probed only for the (target, unit) pairs with a
    report missing. The figures carry no value nor status: completeness counts
    reports, not figures."""
    from targets.progress import Figure

    due = {target.id: deadlines.target_due(target, as_of) for target in targets}
    targets = [target for target in targets if due[target.id].is_due]
    unit_list = list(units.select_related("parent"))
    states = entry_states(targets, units, as_of) if targets else {}
    levels = {target.reporting_units for target in targets}
    approved = ProgressEntry.Status.APPROVED
    figures, missing = [], []
    for unit in unit_list:
        reports = {level: unit.reports_at(level) for level in levels}
        for target in targets:
            if not reports[target.reporting_units]:
                continue
            target_due = due[target.id]
            figure = Figure(target=target, as_of=as_of, unit=unit, expected=1)
            figure.due = target_due
            status, submitted_on = states.get((target.id, unit.id), (None, None))
            if status == approved:
                figure.state, figure.reported = EntryState.APPROVED, 1
            else:
                figure.state = EntryState.NOT_ENTERED if status is None else EntryState(status)
                missing.append(figure)
            figure.late = target_due.late(submitted_on, figure.state in SENT, as_of)
            figures.append(figure)
    if missing:
        latest = dict(
            ((target, unit), period_end)
            for target, unit, period_end in ProgressEntry.objects.latest_approved(
                as_of, pairs=[(f.target.id, f.unit.id) for f in missing]
            )
            .values_list("target", "unit", "period_end")
            .order_by()
        )
        for figure in missing:
            figure.last_period = latest.get((figure.target.id, figure.unit.id))
    return figures


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
