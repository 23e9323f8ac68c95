"""Reporting periods: which dates close a period of a given frequency.

Pure functions on ``datetime.date``; a period always ends on the last day of a month.
"""

import calendar
import datetime
import functools

# Months in which a period of each frequency ends.
PERIOD_END_MONTHS = {
    "monthly": tuple(range(1, 13)),
    "quarterly": (3, 6, 9, 12),
    "semiannual": (6, 12),
    "annual": (12,),
}


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def is_period_end(day: datetime.date, frequency: str) -> bool:
    """True when ``day`` is the last day of a period of ``frequency``."""
    return day.month in PERIOD_END_MONTHS[frequency] and day == month_end(day.year, day.month)


def period_ends(frequency: str, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every period end of ``frequency`` with ``start <= period_end <= end``, oldest first."""
    months = PERIOD_END_MONTHS[frequency]
    result = []
    for year in range(start.year, end.year + 1):
        for month in months:
            day = month_end(year, month)
            if start <= day <= end:
                result.append(day)
    return result


@functools.lru_cache(maxsize=4096)
def latest_period_end(frequency: str, on_or_before: datetime.date) -> datetime.date:
    """The last period end of ``frequency`` on or before the given date (remembered: a
    page asks it for each of thousands of figures, about a few dates)."""
    months = PERIOD_END_MONTHS[frequency]
    year, month = on_or_before.year, on_or_before.month
    while True:
        if month in months and month_end(year, month) <= on_or_before:
            return month_end(year, month)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
