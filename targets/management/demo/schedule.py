"""Which units report which periods of a plan: the series of demo entries."""

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from targets.domain import periods
from targets.domain.models import AdministrativeUnit, Plan, Target

# Share of communes that stop reporting after the middle of each plan.
STOPPING_SHARE = 0.03


# --- Which units report which periods -------------------------------------------------


@dataclass
class Series:
    """The periods one unit reports for one target of a plan, oldest first."""

    target: Target
    unit: AdministrativeUnit
    periods: list[datetime.date]


def units_by_reporting_level() -> dict[str, list[AdministrativeUnit]]:
    """{reporting_units value: its units, by code}, selected by the model's own rule."""
    return {
        level: list(AdministrativeUnit.objects.at_reporting_level(level))
        for level in Target.ReportingUnits.values
    }


def stopping_units(plan: Plan, units, seed) -> dict[int, datetime.date]:
    """{unit id: last day it reports} for the communes of ``units`` that stop reporting:
    about 3% of them, each at a random day in the second half of ``plan``."""
    rng = random.Random(f"{seed}:{plan.code}:stopping")
    communes = sorted(
        (u for u in units if u.level == AdministrativeUnit.Level.COMMUNE), key=lambda u: u.code
    )
    if not communes:
        return {}
    count = max(1, round(STOPPING_SHARE * len(communes)))
    middle = plan.start_date + (plan.end_date - plan.start_date) / 2
    # Stop at least a month before the end, so the last period is always missing.
    room = max((plan.end_date - middle).days - 31, 1)
    return {
        u.pk: middle + datetime.timedelta(days=rng.randrange(room))
        for u in rng.sample(communes, count)
    }


def target_series(
    target: Target, units: list[AdministrativeUnit], stops: dict, seed
) -> list[Series]:
    """The series of every unit expected to report ``target`` (``units``: those at its
    reporting level), less the one unit that never reports it and the stopped periods."""
    plan = target.plan
    silent = None
    if len(units) > 1:
        silent = random.Random(f"{seed}:{plan.code}:{target.code}:silent").choice(units)
    ends = periods.period_ends(target.frequency, plan.start_date, plan.end_date)
    result = []
    for unit in sorted(units, key=lambda u: u.code):
        if unit is silent:
            continue
        stop = stops.get(unit.pk)
        reported = [p for p in ends if unit.is_active_on(p) and (stop is None or p <= stop)]
        if reported:
            result.append(Series(target, unit, reported))
    return result


def plan_series(plan: Plan, levels: dict, seed, targets=None) -> list[Series]:
    """Every series of ``plan`` (or of ``targets`` of it), target by target in order."""
    if targets is None:
        targets = plan.targets.select_related("plan")
    stops = stopping_units(plan, levels[Target.ReportingUnits.COMMUNES], seed)
    result = []
    for target in targets:
        result += target_series(target, levels[target.reporting_units], stops, seed)
    return result


def count_entries(series: Iterable[Series]) -> int:
    return sum(len(s.periods) for s in series)


def cut_in_time(series: list[Series], limit: int) -> list[Series]:
    """Keep the ``limit`` oldest entries of ``series``: every period before a cut-off
    period, and in the cut-off period the first targets (by order) and units (by code),
    as when some units have not yet reported the latest month."""
    if count_entries(series) <= limit:
        return series
    per_period = Counter(p for s in series for p in s.periods)
    kept = 0
    for cutoff in sorted(per_period):
        if kept + per_period[cutoff] >= limit:
            break
        kept += per_period[cutoff]
    in_cutoff = sorted(
        ((position, s.unit.code) for position, s in enumerate(series) if cutoff in s.periods)
    )[: limit - kept]
    keep_cutoff = {position for position, _ in in_cutoff}
    result = []
    for position, s in enumerate(series):
        reported = [p for p in s.periods if p < cutoff or (p == cutoff and position in keep_cutoff)]
        if reported:
            result.append(Series(s.target, s.unit, reported))
    return result
