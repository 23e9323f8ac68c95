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
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets import deadlines
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


def is_late(state: str, submitted_on: datetime.date | None, target, period_end, as_of) -> bool:
    """Whether a report of ``target`` for ``period_end`` in ``state`` is late on
    ``as_of`` (see the module's docstring)."""
    deadline = deadlines.due_date(target, period_end)
    if state in (EntryState.SUBMITTED, EntryState.APPROVED) and submitted_on is not None:
        return submitted_on > deadline
    if state in (EntryState.SUBMITTED, EntryState.APPROVED):
        return False  # approved without a submission date (imported): not known late
    return as_of > deadline


def entry_states(targets, units, as_of: datetime.date) -> dict[tuple[int, int], dict]:
    """{(target id, unit id): {"status", "submitted_at"}} of the entries, of any status,
    of the period due of each target on ``as_of``. One query."""
    rows = (
        ProgressEntry.objects.filter(target__in=[t.pk for t in targets], unit__in=units)
        .current_period(as_of)
        .values("target", "unit", "status", "submitted_at")
        .order_by()
    )
    return {(row["target"], row["unit"]): row for row in rows}


def attach_states(figures, states: dict, as_of: datetime.date) -> list:
    """Sets ``figure.state`` (an :class:`EntryState`) and ``figure.late`` on unit figures
    (``targets.progress.unit_figures``) from :func:`entry_states`; returns them."""
    for figure in figures:
        row = states.get((figure.target.pk, figure.unit.pk))
        if figure.reported:
            state = EntryState.APPROVED
        elif row is None:
            state = EntryState.NOT_ENTERED
        elif row["status"] == ProgressEntry.Status.APPROVED:
            state = EntryState.APPROVED
        else:
            state = EntryState(row["status"])
        submitted = row["submitted_at"] if row else None
        submitted_on = timezone.localdate(submitted) if submitted else None
        figure.state = state
        figure.late = is_late(state, submitted_on, figure.target, figure.period_due, as_of)
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
    """Figures with states (:func:`attach_states`) counted per district; units above
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
