"""The league of units: units (the districts of the city, a district's communes, the
communes of a city without districts) × the targets that apply to them, and their rank.

Each cell is a figure for the target's current period by the one roll-up rule
(``targets.domain.progress.branch_figures``), with its change since the previous period.
A cell is *not applicable* when no unit of the row reports the target (a commune target
in a district without communes, e.g. Bạch Long Vĩ): it counts for nothing. The rank is
the share of applicable targets achieved or on track; equal shares share a rank (1, 1,
3); a unit with no report for the period is not ranked ("chưa báo cáo kỳ này"), never
tied with one that reported; a rank from a row with a missing or provisional cell is
provisional and says so.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from targets.domain.freshness import Freshness
from targets.domain.models import AdministrativeUnit, Target
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
    def reported(self) -> bool:
        """Whether some unit of the row reported this target for the period."""
        return self.applicable and self.figure.reported > 0

    @property
    def complete(self) -> bool:
        """Every unit expected reported for the period."""
        return self.applicable and self.figure.reported >= self.figure.expected

    @property
    def good(self) -> bool:
        return self.reported and self.figure.status in GOOD

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
    """A unit's row of the league."""

    unit: AdministrativeUnit
    cells: dict[str, Cell] = field(default_factory=dict)
    rank: int | None = None
    tied: bool = False

    @property
    def applicable(self) -> int:
        return sum(cell.applicable for cell in self.cells.values())

    @property
    def good(self) -> int:
        """Applicable targets achieved or on track for the period."""
        return sum(cell.good for cell in self.cells.values())

    @property
    def has_reports(self) -> bool:
        """Whether the unit reported anything for the period (else it is not ranked)."""
        return any(cell.reported for cell in self.cells.values())

    @property
    def share(self) -> Decimal | None:
        """Share of applicable targets achieved or on track, 0–100; None when the unit
        reported nothing for the period (not ranked)."""
        if not self.applicable or not self.has_reports:
            return None
        return HUNDRED * self.good / self.applicable

    @property
    def provisional(self) -> bool:
        """The rank stands on fewer reports than expected ("tạm tính")."""
        return any(cell.applicable and not cell.complete for cell in self.cells.values())

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
class League:
    targets: list
    rows: list[Row]

    @property
    def ranked(self) -> bool:
        """A ranking means something only among two units or more."""
        return sum(row.rank is not None for row in self.rows) > 1


def rank_rows(rows: list[Row]) -> list[Row]:
    """Ranks rows by their share of applicable targets achieved or on track, best first;
    equal shares share a rank (1, 1, 3); a row without a report for the period is
    unranked. Returns the rows in rank order (then by code), the unranked last."""
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


def league(units, targets, figures: dict, previous: dict) -> League:
    """The league of ``units`` over ``targets``: ``figures`` and ``previous`` are
    {(target id, unit id): Figure} (``branch_figures`` for the period and the one
    before); a missing key is a target that does not apply to the unit. Targets that
    apply to no unit are left out. No query."""
    targets = [t for t in targets if any((t.pk, u.pk) in figures for u in units)]
    rows = []
    for unit in units:
        row = Row(unit=unit)
        for target in targets:
            figure = figures.get((target.pk, unit.pk))
            row.cells[column_key(target)] = Cell(
                target=target,
                figure=figure,
                previous=previous.get((target.pk, unit.pk)) if figure is not None else None,
            )
        rows.append(row)
    return League(targets=targets, rows=rank_rows(rows))
