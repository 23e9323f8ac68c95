"""Batches of entries from machines: the file import's rules, without a file.

A batch (one plan, one period end, rows of target code, unit code and figures) becomes
the rows of an import file and goes through ``targets.entry.importing.run.entries_import``: the same
cell readers, scope and workflow checks, ``full_clean()`` and constraints, all or nothing.

Idempotent by natural key: a row equal to the stored entry of its (target, unit, period
end) that the user may read is skipped before the import, whatever that entry's status,
so sending the same batch twice (even one sent to review or approved since) stores
nothing the second time.
"""

import datetime

import tablib

from targets.api import rollup
from targets.domain.models import Target
from targets.entry.importing import columns
from targets.entry.importing.run import entries_import

# Column of the import file → field of the batch row.
FIELD_OF_COLUMN = {column: field for field, column in columns.FOR_FIELD.items()}


def _unchanged(entry, row) -> bool:
    """Whether ``row`` would leave ``entry`` as it is (a ratio's value is derived)."""
    if (row.get("note") or "") != entry.note:
        return False
    if entry.target.measure == Target.Measure.RATIO:
        names = ("numerator", "denominator")
    else:
        names = ("numerator", "denominator", "value")
    return all(row.get(name) == getattr(entry, name) for name in names)


def import_batch(
    *, user, plan_code: str, period_end: datetime.date, rows: list[dict], submit: bool, reference
) -> dict:
    """Store ``rows`` as ``user`` (see the module docstring). Returns ``stored`` (False
    when anything was refused: then nothing is stored), counts (``received``,
    ``created``, ``updated``, ``unchanged``) and ``errors`` ({index, field, message},
    index being the row's position in ``rows``)."""
    stored = {
        (entry.target.code, entry.unit.code): entry
        for entry in rollup.entries(user)
        .filter(
            target__plan__code=plan_code,
            period_end=period_end,
            target__code__in={row["target"] for row in rows},
            unit__code__in={row["unit"] for row in rows},
        )
        .select_related("target", "unit")
    }
    pending = []
    for index, row in enumerate(rows):
        entry = stored.get((row["target"], row["unit"]))
        if entry is None or not _unchanged(entry, row):
            pending.append(index)
    result = {
        "stored": True,
        "received": len(rows),
        "created": 0,
        "updated": 0,
        "unchanged": len(rows) - len(pending),
        "errors": [],
    }
    if not pending:
        return result
    dataset = tablib.Dataset(headers=list(columns.IMPORTED))
    for index in pending:
        row = rows[index]
        dataset.append(
            [
                plan_code,
                row["target"],
                row["unit"],
                period_end,
                row.get("numerator"),
                row.get("denominator"),
                row.get("value"),
                row.get("note") or "",
            ]
        )
    report = entries_import(
        dataset=dataset, file_name=reference, user=user, submit=submit, dry_run=False
    )
    result["created"] = report.new
    result["updated"] = report.update
    result["unchanged"] += report.unchanged + report.empty
    result["stored"] = report.stored
    # Report rows count from 2 (the file's header is row 1).
    result["errors"] = [
        {
            "index": pending[error.row - 2] if error.row >= 2 else None,
            "field": FIELD_OF_COLUMN.get(error.column, "non_field_errors"),
            "message": error.message,
        }
        for error in report.errors
    ]
    if not report.stored:
        result["created"] = result["updated"] = 0
    return result
