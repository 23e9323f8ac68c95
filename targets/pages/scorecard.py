"""The scorecard grid: units (districts, or one district's communes) × the targets
that apply to them, each cell the figure with its status and its change since the
previous period; the ranking counts only applicable targets and ties share a rank.

Built on the roll-ups of ``targets.domain.progress`` (``district_league`` / ``plan_overview``
for districts, ``unit_figures`` for communes); statuses come from ``targets.domain.status``
through them. A cell is *not applicable* when no unit is expected to report it there
(a commune target in a district without communes, e.g. Bạch Long Vĩ): it shows "—"
and counts for nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from targets.domain.freshness import (
    Freshness,
    by_frequency,
    previous_period_end,
    previous_unit_figures,
)
from targets.domain.models import AdministrativeUnit, Target
from targets.domain.progress import DISTRICT_TARGETS, district_league
from targets.domain.status import STATUS_ORDER, Status

HUNDRED = Decimal(100)
GOOD = (Status.ACHIEVED, Status.ON_TRACK)


def column_key(target) -> str:
    """The key of a target's cell in :attr:`Row.cells` (and its table column's name)."""
    return f"t{target.pk}"


@dataclass
class Cell:
    """One unit's figure for one target; ``figure`` is None when the target does not
    apply to the unit."""

    target: Target
    figure: object = None
    previous: object = None

    @property
    def applicable(self) -> bool:
        return self.figure is not None

    @property
    def freshness(self) -> Freshness | None:
        return Freshness(self.figure, self.previous) if self.applicable else None

    @property
    def good(self) -> bool:
        return self.applicable and self.figure.status in GOOD

    @property
    def sort_key(self) -> tuple:
        """Best first when sorted ascending: by status, then by the value read the way
        that is better for the target; no figure, then not applicable, last."""
        if not self.applicable:
            return (len(STATUS_ORDER) + 1, 0)
        value = self.figure.value
        if value is None:
            return (len(STATUS_ORDER), 0)
        oriented = value if self.target.lower_is_better else -value
        return (STATUS_ORDER.index(self.figure.status), oriented)


@dataclass
class Row:
    """A unit's row of the grid."""

    unit: AdministrativeUnit
    cells: dict[str, Cell] = field(default_factory=dict)
    rank: int | None = None
    tied: bool = False

    @property
    def applicable(self) -> int:
        return sum(cell.applicable for cell in self.cells.values())

    @property
    def good(self) -> int:
        """Applicable targets achieved or on track."""
        return sum(cell.good for cell in self.cells.values())

    @property
    def share(self) -> Decimal | None:
        """Share of applicable targets achieved or on track, 0–100."""
        return HUNDRED * self.good / self.applicable if self.applicable else None

    @property
    def reported(self) -> int:
        return sum(c.figure.reported for c in self.cells.values() if c.applicable)

    @property
    def expected(self) -> int:
        return sum(c.figure.expected for c in self.cells.values() if c.applicable)

    @property
    def rank_key(self) -> tuple:
        return (self.rank is None, self.rank or 0, self.unit.code)

    @property
    def share_key(self) -> tuple:
        return (self.share is None, -(self.share or 0), self.unit.code)


@dataclass
class Scorecard:
    targets: list
    rows: list[Row]

    @property
    def ranked(self) -> bool:
        """A ranking means something only among two units or more."""
        return sum(row.rank is not None for row in self.rows) > 1


def rank_rows(rows: list[Row]) -> list[Row]:
    """Ranks rows by their share of applicable targets achieved or on track, best first;
    equal shares share a rank (1, 1, 3); a row with no applicable target is unranked.
    Returns the rows in rank order (then by code)."""
    ranked = sorted(
        (row for row in rows if row.share is not None), key=lambda r: (-r.share, r.unit.code)
    )
    previous_share, previous_rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row.share == previous_share:
            row.rank = previous_rank
        else:
            row.rank, previous_share, previous_rank = position, row.share, position
    counts = {}
    for row in ranked:
        counts[row.rank] = counts.get(row.rank, 0) + 1
    for row in ranked:
        row.tied = counts[row.rank] > 1
    unranked = sorted((row for row in rows if row.share is None), key=lambda r: r.unit.code)
    return ranked + unranked


def _grid(units, targets, figure_of, previous_of) -> Scorecard:
    rows = []
    for unit in units:
        row = Row(unit=unit)
        for target in targets:
            figure = figure_of(target, unit)
            if figure is not None and not figure.expected:
                figure = None  # no unit is expected to report it here: not applicable
            previous = previous_of(target, unit) if figure is not None else None
            row.cells[column_key(target)] = Cell(target=target, figure=figure, previous=previous)
        rows.append(row)
    return Scorecard(targets=list(targets), rows=rank_rows(rows))


def district_targets(targets) -> list:
    """The targets of ``targets`` that districts or their communes report."""
    return [t for t in targets if t.reporting_units in DISTRICT_TARGETS]


def previous_district_figures(targets, as_of: datetime.date, districts) -> dict:
    """{(target id, district id): Figure} of ``district_league`` as of each target's
    previous period end (four queries per reporting frequency)."""
    result = {}
    for frequency, group in by_frequency(district_targets(targets)).items():
        day = previous_period_end(frequency, as_of)
        queryset = Target.objects.filter(pk__in=[t.pk for t in group])
        for standing in district_league(queryset, day, districts):
            for figure in standing.figures:
                result[(figure.target.pk, standing.district.pk)] = figure
    return result


def district_scorecard(league, previous: dict) -> Scorecard:
    """Districts × district and commune targets, from a league (``plan_overview`` or
    ``district_league``) and :func:`previous_district_figures`. No query."""
    targets = [f.target for f in league[0].figures] if league else []
    current = {
        (figure.target.pk, standing.district.pk): figure
        for standing in league
        for figure in standing.figures
    }
    units = sorted((standing.district for standing in league), key=lambda d: d.code)
    return _grid(
        units,
        targets,
        lambda target, unit: current.get((target.pk, unit.pk)),
        lambda target, unit: previous.get((target.pk, unit.pk)),
    )


def commune_targets(targets) -> list:
    return [t for t in targets if t.reporting_units == Target.ReportingUnits.COMMUNES]


def commune_scorecard(figures, previous: dict, communes) -> Scorecard:
    """A district's communes × the commune targets, from their ``unit_figures`` (those of
    other units in ``figures`` are ignored) and :func:`previous_commune_figures`."""
    targets, seen = [], set()
    current = {}
    for figure in figures:
        if figure.unit is None or figure.unit.level != AdministrativeUnit.Level.COMMUNE:
            continue
        current[(figure.target.pk, figure.unit.pk)] = figure
        if figure.target.pk not in seen:
            seen.add(figure.target.pk)
            targets.append(figure.target)
    return _grid(
        communes,
        targets,
        lambda target, unit: current.get((target.pk, unit.pk)),
        lambda target, unit: previous.get((target.pk, unit.pk)),
    )


def previous_commune_figures(targets, as_of: datetime.date, communes) -> dict:
    """{(target id, commune id): Figure} as of each commune target's previous period end
    (``freshness.previous_unit_figures``: two queries per reporting frequency)."""
    return previous_unit_figures(commune_targets(targets), as_of, communes)
