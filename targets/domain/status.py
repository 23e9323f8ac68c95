"""The status of a target, or of one unit against it, as of a date.

One rule, :class:`StatusRule` (built once per target and date, applied to each
figure), used by every page, export and command; :func:`compute_status` applies it to
one figure.
It follows DESIGN.md "Status" step by step; the cut-offs are the settings
``TARGETS_STATUS_ON_TRACK`` and ``TARGETS_STATUS_AT_RISK``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Đã đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    AT_RISK = "at_risk", _("Có nguy cơ")
    OFF_TRACK = "off_track", _("Chậm tiến độ")
    MISSED = "missed", _("Không đạt")
    PENDING = "pending", _("Đang thực hiện")
    NO_DATA = "no_data", _("Chưa có số liệu")


# Display order, best first; pages and exports count statuses in this order.
STATUS_ORDER = [
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.MISSED,
    Status.PENDING,
    Status.NO_DATA,
]

_COMPARATORS = {
    "gte": lambda x, t: x >= t,
    "gt": lambda x, t: x > t,
    "lte": lambda x, t: x <= t,
    "lt": lambda x, t: x < t,
    "eq": lambda x, t: x == t,
}


def meets(value: Decimal, comparator: str, target_value: Decimal) -> bool:
    """True when ``value`` satisfies ``comparator`` against ``target_value``."""
    return _COMPARATORS[comparator](value, target_value)


def expected_value(
    *,
    target_value: Decimal,
    baseline: Decimal,
    start: datetime.date,
    deadline: datetime.date,
    as_of: datetime.date,
) -> Decimal:
    """The straight-line figure expected on ``as_of``, from the baseline at ``start``
    to the target at ``deadline``; the time share is clamped to 0–1."""
    span = (deadline - start).days
    share = Decimal(1) if span <= 0 else Decimal((as_of - start).days) / Decimal(span)
    share = min(max(share, Decimal(0)), Decimal(1))
    return baseline + (target_value - baseline) * share


class StatusRule:
    """The status rule of one target as of one date: everything that does not depend on
    the figure (the expected figure, the cut-offs, whether the deadline has passed) is
    worked out once; calling the rule with a figure gives its status (DESIGN.md
    "Status"). :func:`compute_status` is this rule applied to one figure; pages with
    thousands of figures build the rule once per target (:func:`target_rule`) and apply
    it to each figure, or to a list of figures (:meth:`statuses`)."""

    __slots__ = (
        "_target",
        "_meets",
        "_past",
        "_pending",
        "_baseline",
        "_span",
        "_cutoffs",
        "expected",
    )

    def __init__(
        self,
        *,
        target_value: Decimal,
        comparator: str,
        measure: str,
        baseline_value: Decimal | None,
        start: datetime.date,
        deadline: datetime.date,
        as_of: datetime.date,
    ):
        self._target = Decimal(target_value)
        self._meets = _COMPARATORS[comparator]
        self._past = as_of >= deadline
        lower_is_better = comparator in ("lte", "lt")
        self._pending = measure == "milestone" or (lower_is_better and baseline_value is None)
        baseline = Decimal(0) if baseline_value is None else Decimal(baseline_value)
        expected = expected_value(
            target_value=self._target,
            baseline=baseline,
            start=start,
            deadline=deadline,
            as_of=as_of,
        )
        self.expected = expected  # the straight-line figure expected on ``as_of``
        self._baseline = baseline
        self._span = expected - baseline  # 0: the ratio is 1
        self._cutoffs = (
            Decimal(str(settings.TARGETS_STATUS_ON_TRACK)),
            Decimal(str(settings.TARGETS_STATUS_AT_RISK)),
        )

    def __call__(self, value: Decimal | None) -> Status:
        """The status of the figure ``value`` (None: no approved figure)."""
        if value is None:
            return Status.NO_DATA
        value = Decimal(value)
        if self._meets(value, self._target):
            return Status.ACHIEVED
        if self._past:
            return Status.MISSED
        if self._pending:
            return Status.PENDING
        ratio = Decimal(1) if not self._span else (value - self._baseline) / self._span
        on_track, at_risk = self._cutoffs
        if ratio >= on_track:
            return Status.ON_TRACK
        if ratio >= at_risk:
            return Status.AT_RISK
        return Status.OFF_TRACK

    def statuses(self, values) -> list[Status]:
        """The status of each figure of ``values``, in order."""
        return [self(value) for value in values]


def compute_status(
    *,
    value: Decimal | None,
    target_value: Decimal,
    comparator: str,
    measure: str,
    baseline_value: Decimal | None,
    start: datetime.date,
    deadline: datetime.date,
    as_of: datetime.date,
) -> Status:
    """Status as of ``as_of`` of the figure ``value`` against a target.

    ``start`` is the baseline date (else the plan's start), ``deadline`` the target's.
    ``value`` is None when there is no approved figure. The rule is :class:`StatusRule`.
    """
    return StatusRule(
        target_value=target_value,
        comparator=comparator,
        measure=measure,
        baseline_value=baseline_value,
        start=start,
        deadline=deadline,
        as_of=as_of,
    )(value)


def target_rule(target, as_of: datetime.date) -> StatusRule:
    """The :class:`StatusRule` of a ``Target`` (its plan must be loaded) on ``as_of``:
    build it once per target, apply it to each of its figures."""
    return StatusRule(
        target_value=target.target_value,
        comparator=target.comparator,
        measure=target.measure,
        baseline_value=target.baseline_value,
        start=target.baseline_date or target.plan.start_date,
        deadline=target.deadline,
        as_of=as_of,
    )


def target_status(target, value: Decimal | None, as_of: datetime.date) -> Status:
    """:func:`compute_status` for a ``Target`` (its plan must be loaded)."""
    return target_rule(target, as_of)(value)


def target_expected(target, as_of: datetime.date) -> Decimal:
    """The figure ``target`` expects on ``as_of`` (the mark drawn on progress bars)."""
    return target_rule(target, as_of).expected
