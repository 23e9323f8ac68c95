"""Where each target stands as of a date: figures, completeness and status.

The aggregates are QuerySet methods (``ProgressEntryQuerySet.rollup``,
``AdministrativeUnitQuerySet.expected_counts``); this module turns their rows into
:class:`Figure` objects and applies the one status rule (``targets.status``). Every
function issues a fixed number of queries, whatever the number of entries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from targets.models import AdministrativeUnit, ProgressEntry, Target
from targets.status import Status, target_expected, target_status

HUNDRED = Decimal(100)


@dataclass
class Figure:
    """A target's figure for a set of units (the city, one district, or one unit)."""

    target: Target
    as_of: datetime.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    units_with_figure: int = 0
    reported: int = 0  # units with an approved figure for the current period
    expected: int = 0  # active units at the target's reporting level in the set
    last_period: datetime.date | None = None
    status: Status = Status.NO_DATA
    expected_value: Decimal | None = field(default=None)

    @property
    def completeness(self) -> Decimal | None:
        """Share of expected units that reported for the current period, 0–100."""
        if not self.expected:
            return None
        return HUNDRED * self.reported / self.expected

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)


def figure_from_row(target: Target, row: dict | None, as_of: datetime.date, expected: int):
    """A :class:`Figure` from one ``rollup`` row (None when nothing was reported)."""
    figure = Figure(target=target, as_of=as_of, expected=expected)
    figure.expected_value = target_expected(target, as_of)
    if row:
        figure.units_with_figure = row["units_with_figure"]
        figure.reported = row["units_current"]
        figure.last_period = row["last_period"]
        if target.measure == Target.Measure.RATIO:
            figure.numerator = row["numerator_sum"]
            figure.denominator = row["denominator_sum"]
            if figure.denominator:
                figure.value = HUNDRED * figure.numerator / figure.denominator
        elif target.measure == Target.Measure.COUNT:
            figure.value = row["value_sum"]
        elif row["units_with_figure"] == 1:
            # percent, growth, rank and milestone are reported by one unit; they do not roll up.
            figure.value = row["value_max"]
    figure.status = target_status(target, figure.value, as_of)
    return figure


def _expected_by_level(rows, reporting_units: str) -> int:
    """Units expected to report a target at ``reporting_units``, from ``expected_counts`` rows."""
    total = 0
    for row in rows:
        if reporting_units == Target.ReportingUnits.CITY:
            hit = row["kind"] == AdministrativeUnit.Kind.CITY
        elif reporting_units == Target.ReportingUnits.AGENCIES:
            hit = row["kind"] == AdministrativeUnit.Kind.AGENCY
        elif reporting_units == Target.ReportingUnits.DISTRICTS:
            hit = row["level"] == AdministrativeUnit.Level.DISTRICT
        else:
            hit = row["level"] == AdministrativeUnit.Level.COMMUNE
        if hit:
            total += row["units"]
    return total


def expected_units(targets, as_of: datetime.date, within: AdministrativeUnit | None = None):
    """{target id: number of active units expected to report it inside ``within``}."""
    units = AdministrativeUnit.objects.all()
    if within is not None:
        units = units.within(within)
    rows = list(units.expected_counts(as_of))
    return {t.pk: _expected_by_level(rows, t.reporting_units) for t in targets}


def plan_figures(
    targets, as_of: datetime.date, *, within: AdministrativeUnit | None = None
) -> list[Figure]:
    """One :class:`Figure` per target of ``targets`` (a Target queryset), for the units
    inside ``within`` (default: the whole city), as of ``as_of``. Three queries."""
    targets = list(targets.select_related("plan", "pillar", "responsible_unit"))
    entries = ProgressEntry.objects.filter(target__in=[t.pk for t in targets])
    if within is not None:
        entries = entries.within(within)
    rows = {row["target"]: row for row in entries.rollup(as_of)}
    expected = expected_units(targets, as_of, within)
    return [figure_from_row(t, rows.get(t.pk), as_of, expected[t.pk]) for t in targets]


def district_figures(target: Target, as_of: datetime.date, districts) -> list[tuple]:
    """For a target reported by districts or communes: (district, Figure) for each
    district of ``districts``, each the roll-up of its own units. Two queries."""
    districts = list(districts)
    entries = ProgressEntry.objects.filter(target=target).filter(
        unit__level__in=[AdministrativeUnit.Level.DISTRICT, AdministrativeUnit.Level.COMMUNE]
    )
    rows = {row["district"]: row for row in entries.rollup(as_of, by_district=True)}
    counts = defaultdict(int)
    for row in (
        AdministrativeUnit.objects.active_on(as_of)
        .filter(AdministrativeUnit.reporting_level_q(target.reporting_units))
        .values("parent", "level", "id")
    ):
        district = row["id"] if row["level"] == AdministrativeUnit.Level.DISTRICT else row["parent"]
        counts[district] += 1
    return [
        (district, figure_from_row(target, rows.get(district.pk), as_of, counts[district.pk]))
        for district in districts
    ]


def status_counts(figures) -> dict[Status, int]:
    """How many figures have each status, in display order."""
    counts = dict.fromkeys(Status, 0)
    for figure in figures:
        counts[figure.status] += 1
    return counts
