"""What every figure says about itself: its period, whether it is older than the
current period, whether it is provisional, and how it changed since the previous period.

The previous period's figure is made by the same rule as the figure itself
(``targets.domain.progress`` with ``previous=True``): a roll-up for P is compared with
the roll-up for P − 1, a unit's own figure with its own figure then. Nothing is
re-derived here.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.domain import periods
from targets.domain.formatting import date
from targets.domain.progress import plan_figures, target_dues, unit_figures


class Change:
    UP, DOWN, SAME = "up", "down", "same"
    ARROWS = {UP: "↑", DOWN: "↓", SAME: "="}


def previous_period_end(frequency: str, as_of: datetime.date) -> datetime.date:
    """The period end before the latest one on or before ``as_of`` (a monthly target
    as of 31/12/2022: 30/11/2022)."""
    latest = periods.latest_period_end(frequency, as_of)
    return periods.latest_period_end(frequency, latest - datetime.timedelta(days=1))


def is_stale(figure) -> bool:
    """True when a unit's own figure has a value from a period older than the one due
    (``Figure.period_due``), for a target whose first period has ended. A roll-up is
    never stale: it sums the reports of its period only."""
    return (
        figure.value is not None
        and figure.last_period is not None
        and figure.is_due
        and figure.last_period < figure.period_due
    )


def change_between(figure, previous) -> str | None:
    """``Change.UP``/``DOWN``/``SAME`` from ``previous`` to ``figure`` (None when either
    has no value)."""
    if figure is None or previous is None or figure.value is None or previous.value is None:
        return None
    if getattr(figure, "own", False) and figure.last_period == previous.last_period:
        return None  # the same report still: nothing new to compare
    if figure.value > previous.value:
        return Change.UP
    if figure.value < previous.value:
        return Change.DOWN
    return Change.SAME


def change_is_better(target, change: str | None) -> bool | None:
    """True when the change moves toward the target (down for a rank), False when
    away, None when there is no change or none known."""
    if change in (None, Change.SAME):
        return None
    return (change == Change.DOWN) == target.lower_is_better


@dataclass
class Freshness:
    """How one figure reads: its period end, stale or not, provisional or not, its
    change since the previous period (an arrow, and whether it is for the better)."""

    figure: object
    previous: object = None

    @property
    def period(self):
        return self.figure.last_period

    @property
    def stale(self) -> bool:
        return is_stale(self.figure)

    @property
    def provisional(self) -> bool:
        return bool(getattr(self.figure, "provisional", False))

    @property
    def change(self) -> str | None:
        return change_between(self.figure, self.previous)

    @property
    def arrow(self) -> str:
        return Change.ARROWS.get(self.change, "")

    @property
    def better(self) -> bool | None:
        return change_is_better(self.figure.target, self.change)

    @property
    def period_label(self) -> str:
        """The period, e.g. "kỳ 30/09/2022", of a current figure; "" without a value, and
        for a stale one (its badge, ``targets.pages.marks``, names the period)."""
        if self.figure.value is None or self.period is None or self.stale:
            return ""
        return _("kỳ %(period)s") % {"period": date(self.period)}


def previous_plan_figures(targets, as_of, *, within=None, units=None) -> dict:
    """{target id: Figure} of ``plan_figures`` for each target's previous period (the
    same rule; ``targets`` already read, with their plan, pillar and responsible unit)."""
    figures = plan_figures(targets, as_of, within=within, units=units, previous=True)
    return {figure.target.pk: figure for figure in figures}


def previous_unit_figures(targets, as_of, unit_list, *, units) -> dict:
    """{(target id, unit id): Figure} of ``unit_figures`` for each target's previous
    period."""
    dues = target_dues(targets, as_of, units, previous=True)
    return {
        (figure.target.pk, figure.unit.pk): figure
        for figure in unit_figures(targets, as_of, unit_list, dues=dues)
    }


def unit_key(figure) -> tuple[int, int]:
    """The key of a unit figure in :func:`previous_unit_figures`."""
    return (figure.target.pk, figure.unit.pk)


def attach(figures, previous: dict, key) -> list:
    """Sets ``figure.freshness`` on each figure (``previous`` looked up by ``key(figure)``)
    and returns the figures."""
    for figure in figures:
        figure.freshness = Freshness(figure, previous.get(key(figure)))
    return figures
