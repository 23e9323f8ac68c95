"""The status of a target, or of one unit against it, as of a date.

One pure function, :func:`compute_status`, used by every page, export and command.
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
    ``value`` is None when there is no approved figure.
    """
    if value is None:
        return Status.NO_DATA
    value, target_value = Decimal(value), Decimal(target_value)
    if meets(value, comparator, target_value):
        return Status.ACHIEVED
    if as_of >= deadline:
        return Status.MISSED
    lower_is_better = comparator in ("lte", "lt")
    if measure == "milestone" or (lower_is_better and baseline_value is None):
        return Status.PENDING
    baseline = Decimal(0) if baseline_value is None else Decimal(baseline_value)
    expected = expected_value(
        target_value=target_value,
        baseline=baseline,
        start=start,
        deadline=deadline,
        as_of=as_of,
    )
    ratio = Decimal(1) if expected == baseline else (value - baseline) / (expected - baseline)
    if ratio >= Decimal(str(settings.TARGETS_STATUS_ON_TRACK)):
        return Status.ON_TRACK
    if ratio >= Decimal(str(settings.TARGETS_STATUS_AT_RISK)):
        return Status.AT_RISK
    return Status.OFF_TRACK


def target_status(target, value: Decimal | None, as_of: datetime.date) -> Status:
    """:func:`compute_status` for a ``Target`` (its plan must be loaded)."""
    return compute_status(
        value=value,
        target_value=target.target_value,
        comparator=target.comparator,
        measure=target.measure,
        baseline_value=target.baseline_value,
        start=target.baseline_date or target.plan.start_date,
        deadline=target.deadline,
        as_of=as_of,
    )


def target_expected(target, as_of: datetime.date) -> Decimal:
    """The figure ``target`` expects on ``as_of`` (the mark drawn on progress bars)."""
    baseline = target.baseline_value
    if baseline is None:
        baseline = Decimal(0)
    return expected_value(
        target_value=target.target_value,
        baseline=baseline,
        start=target.baseline_date or target.plan.start_date,
        deadline=target.deadline,
        as_of=as_of,
    )
