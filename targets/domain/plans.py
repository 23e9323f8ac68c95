"""Which plan a date is about."""

import datetime


def default_plan(plans, as_of: datetime.date):
    """The plan a date is about: among the plans running on ``as_of``, the one ending
    first (the 2022 plan for a day in 2022, not the 2022–2025 one); else the plan that
    ended last before ``as_of``; else the first plan to start. None when there is none."""
    plans = list(plans)
    running = [p for p in plans if p.start_date <= as_of <= p.end_date]
    if running:
        return min(running, key=lambda p: (p.end_date, p.code))
    ended = [p for p in plans if p.end_date < as_of]
    if ended:
        return max(ended, key=lambda p: (p.end_date, p.start_date, p.code))
    return min(plans, key=lambda p: (p.start_date, p.code), default=None)
