import datetime

import pytest

from targets.domain import periods

D = datetime.date


@pytest.mark.parametrize(
    ("day", "frequency", "expected"),
    [
        (D(2022, 1, 31), "monthly", True),
        (D(2022, 2, 28), "monthly", True),
        (D(2024, 2, 28), "monthly", False),
        (D(2024, 2, 29), "monthly", True),
        (D(2022, 1, 30), "monthly", False),
        (D(2022, 3, 31), "quarterly", True),
        (D(2022, 4, 30), "quarterly", False),
        (D(2022, 6, 30), "semiannual", True),
        (D(2022, 9, 30), "semiannual", False),
        (D(2022, 12, 31), "annual", True),
        (D(2022, 6, 30), "annual", False),
    ],
)
def test_is_period_end(day, frequency, expected):
    assert periods.is_period_end(day, frequency) is expected


def test_period_ends_inside_a_span():
    assert periods.period_ends("quarterly", D(2022, 1, 1), D(2022, 12, 31)) == [
        D(2022, 3, 31),
        D(2022, 6, 30),
        D(2022, 9, 30),
        D(2022, 12, 31),
    ]
    assert len(periods.period_ends("monthly", D(2022, 1, 1), D(2025, 12, 31))) == 48


def test_latest_period_end():
    assert periods.latest_period_end("quarterly", D(2022, 12, 30)) == D(2022, 9, 30)
    assert periods.latest_period_end("quarterly", D(2022, 12, 31)) == D(2022, 12, 31)
    assert periods.latest_period_end("annual", D(2022, 6, 1)) == D(2021, 12, 31)
    assert periods.latest_period_end("monthly", D(2022, 3, 15)) == D(2022, 2, 28)
