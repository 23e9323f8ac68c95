"""Run an import: the service the admin's import screen and ``import_progress`` call."""

from django.db import transaction

from targets.entry.importing.report import build_report
from targets.entry.importing.resource import ProgressEntryResource


@transaction.atomic
def entries_import(
    *, dataset, file_name: str, user, submit: bool = False, dry_run: bool = True, on_row=None
):
    """Import the rows of ``dataset`` (``targets.entry.importing.read_dataset``) as ``user``:
    new entries as drafts, edited figures of draft and returned entries, each sent to
    review too when ``submit``. Every row goes through the entry services
    (``entry_check_new`` / ``entries_create``, ``entry_save``), with a history reason
    naming ``file_name``.

    All or nothing: with ``dry_run``, or when any row is refused, everything is rolled
    back. Returns a ``targets.entry.importing.report.ImportReport`` (counts and every error
    with its row and column); ``on_row`` is called after each row (progress bars).
    """
    resource = ProgressEntryResource(user=user, file_name=file_name, submit=submit, on_row=on_row)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    report = build_report(result, resource, file_name=file_name, dry_run=dry_run, submit=submit)
    if dry_run or not report.ok:
        transaction.set_rollback(True)
    return report
