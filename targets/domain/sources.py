"""Where a figure comes from: the note and evidence of the approved entry behind it.

The city's published results (DTI 14/63, KTS-01, 5G) are stored as approved entries
whose ``note`` and ``evidence_url`` carry the source and its caveats
(``targets.management.demo.figures.PUBLISHED``); every entry a reporter records carries its
own. Pages show them next to the figure.
"""

import datetime
from dataclasses import dataclass

from targets.domain.evidence import evidence_storage
from targets.domain.models import ProgressEntry


@dataclass(frozen=True)
class Source:
    """The note and evidence of one approved entry."""

    note: str
    evidence_url: str
    evidence_file: str
    period_end: datetime.date

    @property
    def evidence_file_url(self) -> str:
        return evidence_storage().url(self.evidence_file) if self.evidence_file else ""

    @property
    def evidence_file_name(self) -> str:
        return self.evidence_file.rsplit("/", 1)[-1]

    def __bool__(self) -> bool:
        return bool(self.note or self.evidence_url or self.evidence_file)


def entry_sources(targets, units, as_of: datetime.date) -> dict[tuple[int, int], Source]:
    """{(target id, unit id): Source} of each unit's latest approved entry on or before
    ``as_of`` for each target of ``targets`` (``units``: a queryset or list of units).
    Only entries with a note or evidence are kept. One query."""
    rows = (
        ProgressEntry.objects.latest_approved(as_of, targets=[t.pk for t in targets], units=units)
        .values("target", "unit", "note", "evidence_url", "evidence_file", "period_end")
        .order_by()
    )
    sources = {}
    for row in rows:
        source = Source(
            note=row["note"],
            evidence_url=row["evidence_url"],
            evidence_file=row["evidence_file"] or "",
            period_end=row["period_end"],
        )
        if source:
            sources[(row["target"], row["unit"])] = source
    return sources


def attach_sources(figures, sources: dict) -> list:
    """Sets ``figure.source`` (a :class:`Source` or None) from ``sources`` keyed by
    (target id, unit id); returns the figures."""
    for figure in figures:
        unit_id = figure.unit.pk if figure.unit is not None else None
        figure.source = sources.get((figure.target.pk, unit_id))
    return figures
