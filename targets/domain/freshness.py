"""What every figure says about itself: its period, whether it is older than the
current period, and how it changed since the previous period.

The figures come from ``targets.domain.progress`` (never re-derived here): the previous
period's figures are the same functions called as of the previous period end, one
call per reporting frequency, so a page adds a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.domain import periods
from targets.domain.formatting import date
from targets.domain.progress import plan_figures, plan_overview, unit_figures


class Change:
    UP, DOWN, SAME = "up", "down", "same"
    ARROWS = {UP: "↑", DOWN: "↓", SAME: "="}


def previous_period_end(frequency: str, as_of: datetime.date) -> datetime.date:
    """The period end before the latest one on or before ``as_of`` (a monthly target
    as of 31/12/2022: 30/11/2022)."""
    latest = periods.latest_period_end(frequency, as_of)
    return periods.latest_period_end(frequency, latest - datetime.timedelta(days=1))


def is_stale(figure) -> bool:
    """True when the figure has a value from a period older than the one due on its
    date (``Figure.period_due``), for a target whose first period has ended."""
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
    """How one figure reads: its period end, stale or not, its change since the
    previous period (an arrow, and whether it is for the better)."""

    figure: object
    previous: object = None

    @property
    def period(self):
        return self.figure.last_period

    @property
    def stale(self) -> bool:
        return is_stale(self.figure)

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
        """The period, e.g. "kỳ 30/09/2022", of a current figure; "" without a value, and for a stale one
        (its badge, ``targets.pages.marks``, names the period)."""
        if self.figure.value is None or self.period is None or self.stale:
            return ""
        return _("kỳ %(period)s") % {"period": date(self.period)}


def by_frequency(targets) -> dict[str, list]:
    groups = defaultdict(list)
    for target in targets:
        groups[target.frequency].append(target)
    return groups


def previous_plan_figures(targets, as_of, *, within=None) -> dict:
    """{target id: Figure} of ``plan_figures`` as of each target's previous period end
    (one call, two queries, per reporting frequency among ``targets``: Targets already
    read, with their plan, pillar and responsible unit)."""
    result = {}
    for frequency, group in by_frequency(targets).items():
        day = previous_period_end(frequency, as_of)
        for figure in plan_figures(group, day, within=within):
            result[figure.target.pk] = figure
    return result


def previous_unit_figures(targets, as_of, units) -> dict:
    """{(target id, unit id): Figure} of ``unit_figures`` as of each target's previous
    period end (one call, two queries, per reporting frequency among ``targets``)."""
    result = {}
    for frequency, group in by_frequency(targets).items():
        day = previous_period_end(frequency, as_of)
        for figure in unit_figures(group, day, units):
            result[(figure.target.pk, figure.unit.pk)] = figure
    return result


def previous_overview(figures, as_of, districts, *, within=None) -> tuple[dict, dict]:
    """For the dashboard: the previous period's city figures {target id: Figure} and
    district figures {(target id, district id): Figure}, from ``plan_overview`` as of
    each target's previous period end (two queries per reporting frequency: the roll-up
    and the expected units; the figures' targets and ``districts`` are already read)."""
    city, by_district = {}, {}
    for frequency, group in by_frequency([f.target for f in figures]).items():
        day = previous_period_end(frequency, as_of)
        group_figures, league = plan_overview(group, day, districts, within=within)
        city |= {figure.target.pk: figure for figure in group_figures}
        for standing in league:
            for figure in standing.figures:
                by_district[(figure.target.pk, standing.district.pk)] = figure
    return city, by_district


def unit_key(figure) -> tuple[int, int]:
    """The key of a unit figure in :func:`previous_unit_figures`."""
    return (figure.target.pk, figure.unit.pk)


def attach(figures, previous: dict, key) -> list:
    """Sets ``figure.freshness`` on each figure (``previous`` looked up by ``key(figure)``)
    and returns the figures."""
    for figure in figures:
        figure.freshness = Freshness(figure, previous.get(key(figure)))
    return figures
