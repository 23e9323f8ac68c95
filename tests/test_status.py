"""The status rule (DESIGN.md "Status"), one row per branch, and its monotonicity."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.domain.status import Status, compute_status

START = datetime.date(2022, 1, 1)
DEADLINE = datetime.date(2022, 12, 31)
HALF = datetime.date(2022, 7, 2)  # 182 of 364 days: half the time has passed


def status(value, *, target="100", comparator="gte", measure="ratio", baseline=None, as_of=HALF):
    return compute_status(
        value=None if value is None else Decimal(value),
        target_value=Decimal(target),
        comparator=comparator,
        measure=measure,
        baseline_value=None if baseline is None else Decimal(baseline),
        start=START,
        deadline=DEADLINE,
        as_of=as_of,
    )


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        # 1. no approved figure
        ("no figure", {"value": None}, Status.NO_DATA),
        ("no figure after deadline", {"value": None, "as_of": DEADLINE}, Status.NO_DATA),
        # 2. meets the comparator
        ("gte met", {"value": "100"}, Status.ACHIEVED),
        ("gte met on the deadline", {"value": "100", "as_of": DEADLINE}, Status.ACHIEVED),
        (
            "gt strict: equal is not met",
            {"value": "30", "target": "30", "comparator": "gt"},
            Status.ON_TRACK,
        ),
        (
            "gt strict: above is met",
            {"value": "30.01", "target": "30", "comparator": "gt"},
            Status.ACHIEVED,
        ),
        (
            "gt strict: equal on the deadline is missed",
            {"value": "30", "target": "30", "comparator": "gt", "as_of": DEADLINE},
            Status.MISSED,
        ),
        (
            "lte met",
            {"value": "10", "target": "10", "comparator": "lte", "measure": "rank"},
            Status.ACHIEVED,
        ),
        (
            "lt strict: equal is not met",
            {
                "value": "10",
                "target": "10",
                "comparator": "lt",
                "measure": "rank",
                "baseline": "20",
            },
            Status.ON_TRACK,
        ),
        (
            "milestone done",
            {"value": "1", "target": "1", "comparator": "eq", "measure": "milestone"},
            Status.ACHIEVED,
        ),
        # 3. deadline reached or passed
        ("deadline day", {"value": "99", "as_of": DEADLINE}, Status.MISSED),
        ("after deadline", {"value": "99", "as_of": datetime.date(2023, 3, 1)}, Status.MISSED),
        (
            "milestone not done at deadline",
            {
                "value": "0",
                "target": "1",
                "comparator": "eq",
                "measure": "milestone",
                "as_of": DEADLINE,
            },
            Status.MISSED,
        ),
        (
            "rank without baseline at deadline",
            {
                "value": "14",
                "target": "10",
                "comparator": "lte",
                "measure": "rank",
                "as_of": DEADLINE,
            },
            Status.MISSED,
        ),
        # 4. pending
        (
            "milestone not yet done",
            {"value": "0", "target": "1", "comparator": "eq", "measure": "milestone"},
            Status.PENDING,
        ),
        (
            "lower is better without baseline",
            {"value": "14", "target": "10", "comparator": "lte", "measure": "rank"},
            Status.PENDING,
        ),
        # 5. against the straight line from the baseline (missing: 0) to the target
        ("baseline missing: expected 50, r = 0.95", {"value": "47.5"}, Status.ON_TRACK),
        ("r just below 0.95", {"value": "47.49"}, Status.AT_RISK),
        ("r = 0.6", {"value": "30"}, Status.AT_RISK),
        ("r just below 0.6", {"value": "29.99"}, Status.OFF_TRACK),
        ("ahead of the line", {"value": "80"}, Status.ON_TRACK),
        (
            "with baseline 20: expected 60, r = 0.5",
            {"value": "40", "baseline": "20"},
            Status.OFF_TRACK,
        ),
        (
            "lower is better with baseline 20: expected 15, r = 1",
            {
                "value": "15",
                "target": "10",
                "comparator": "lte",
                "measure": "rank",
                "baseline": "20",
            },
            Status.ON_TRACK,
        ),
        (
            "lower is better: r = 0.6",
            {
                "value": "17",
                "target": "10",
                "comparator": "lte",
                "measure": "rank",
                "baseline": "20",
            },
            Status.AT_RISK,
        ),
        (
            "lower is better: r = 0.4",
            {
                "value": "18",
                "target": "10",
                "comparator": "lte",
                "measure": "rank",
                "baseline": "20",
            },
            Status.OFF_TRACK,
        ),
        (
            "lower is better: worse than baseline",
            {
                "value": "25",
                "target": "10",
                "comparator": "lte",
                "measure": "rank",
                "baseline": "20",
            },
            Status.OFF_TRACK,
        ),
        # before the plan starts nothing is expected yet (e = b, so r = 1)
        (
            "before the plan starts",
            {"value": "0", "as_of": datetime.date(2021, 12, 1)},
            Status.ON_TRACK,
        ),
        ("plan start day", {"value": "0", "as_of": START}, Status.ON_TRACK),
    ],
)
def test_status_rule_branch(case, kwargs, expected):
    value = kwargs.pop("value")
    assert status(value, **kwargs) == expected, case


# Better statuses rank higher. For a fixed date and target only some statuses can occur
# (pending and missed each only alongside achieved), so this order is total where it matters.
RANK = {
    Status.MISSED: 0,
    Status.PENDING: 0,
    Status.OFF_TRACK: 1,
    Status.AT_RISK: 2,
    Status.ON_TRACK: 3,
    Status.ACHIEVED: 4,
}
numbers = st.decimals(min_value=0, max_value=1000, places=2)


@given(
    comparator=st.sampled_from(["gte", "gt", "lte", "lt"]),
    measure=st.sampled_from(["ratio", "count", "rank", "percent"]),
    target=numbers,
    baseline=st.one_of(st.none(), numbers),
    values=st.tuples(numbers, numbers),
    day=st.integers(min_value=-60, max_value=420),
)
def test_status_is_monotone_in_the_value(comparator, measure, target, baseline, values, day):
    lower_is_better = comparator in ("lte", "lt")
    # A baseline that already meets the target leaves nothing to track: skip it.
    if baseline is not None and (baseline <= target if lower_is_better else baseline >= target):
        baseline = None
    if not lower_is_better and target == 0:
        target = Decimal(1)
    worse, better = sorted(values, reverse=lower_is_better)
    as_of = START + datetime.timedelta(days=day)
    kwargs = {
        "target_value": target,
        "comparator": comparator,
        "measure": measure,
        "baseline_value": baseline,
        "start": START,
        "deadline": DEADLINE,
        "as_of": as_of,
    }
    assert (
        RANK[compute_status(value=worse, **kwargs)] <= RANK[compute_status(value=better, **kwargs)]
    )


# --- The bulk form: one rule per target, applied to many figures -------------------


def reference_status(
    value, target_value, comparator, measure, baseline_value, start, deadline, as_of, settings
):
    """DESIGN.md "Status" written out step by step, figure by figure: the oracle the
    rule built once per target must agree with."""
    if value is None:
        return Status.NO_DATA
    met = {
        "gte": value >= target_value,
        "gt": value > target_value,
        "lte": value <= target_value,
        "lt": value < target_value,
        "eq": value == target_value,
    }[comparator]
    if met:
        return Status.ACHIEVED
    if as_of >= deadline:
        return Status.MISSED
    if measure == "milestone" or (comparator in ("lte", "lt") and baseline_value is None):
        return Status.PENDING
    baseline = baseline_value if baseline_value is not None else Decimal(0)
    span = (deadline - start).days
    share = Decimal(1) if span <= 0 else Decimal((as_of - start).days) / Decimal(span)
    share = min(max(share, Decimal(0)), Decimal(1))
    expected = baseline + (target_value - baseline) * share
    ratio = Decimal(1) if expected == baseline else (value - baseline) / (expected - baseline)
    if ratio >= Decimal(str(settings.TARGETS_STATUS_ON_TRACK)):
        return Status.ON_TRACK
    if ratio >= Decimal(str(settings.TARGETS_STATUS_AT_RISK)):
        return Status.AT_RISK
    return Status.OFF_TRACK


numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2026, 12, 31))


@given(
    values=st.lists(st.one_of(st.none(), numbers), min_size=1, max_size=20),
    target_value=numbers,
    comparator=st.sampled_from(["gte", "gt", "lte", "lt", "eq"]),
    measure=st.sampled_from(["ratio", "count", "percent", "growth", "rank", "milestone"]),
    baseline_value=st.one_of(st.none(), numbers),
    start=days,
    deadline=days,
    as_of=days,
)
def test_the_rule_built_once_gives_each_figure_the_status_of_the_single_figure_rule(
    values, target_value, comparator, measure, baseline_value, start, deadline, as_of
):
    from django.conf import settings

    from targets.domain.status import StatusRule

    context = {
        "target_value": target_value,
        "comparator": comparator,
        "measure": measure,
        "baseline_value": baseline_value,
        "start": start,
        "deadline": deadline,
        "as_of": as_of,
    }
    bulk = StatusRule(**context).statuses(values)
    single = [compute_status(value=value, **context) for value in values]
    oracle = [reference_status(value, **context, settings=settings) for value in values]
    assert bulk == single == oracle
