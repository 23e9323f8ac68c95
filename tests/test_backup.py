"""Backup and restore: a database dumped, emptied and loaded again reports the same.

The dump uses the README's portable command (``dumpdata --natural-foreign
--natural-primary``, without content types, permissions and sessions, which ``migrate``
recreates or nobody needs). :func:`backup_round_trip` takes any callable that produces
a report, so the XLSX and PDF status reports can be compared byte for byte too.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.progress import plan_figures
from targets.management import demo as demo_data

pytestmark = pytest.mark.django_db

PLANS = ("kh74-2022", "nq03-2025")
AS_OF = (datetime.date(2022, 6, 30), datetime.date(2022, 12, 31), datetime.date(2025, 12, 31))

# Exactly the README's command; the file name's extension picks the compression.
DUMP_OPTIONS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
]


def backup_round_trip(produce_report, tmp_path):
    """Produce the report, dump the database, empty it (``flush``), load the dump and
    produce the report again: returns (before, after)."""
    before = produce_report()
    dump = tmp_path / "backup.json.gz"
    call_command("dumpdata", *DUMP_OPTIONS, output=str(dump), verbosity=0)
    if connection.vendor == "postgresql":
        # The test runs in a transaction; TRUNCATE needs the deferred FK checks done.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    assert not ProgressEntry.objects.exists() and not AdministrativeUnit.objects.exists()
    call_command("loaddata", str(dump), verbosity=0)
    return before, produce_report()


def status_figures():
    """Every target's city figure, status and completeness for both plans and three
    dates, as plain values."""
    rows = []
    for as_of in AS_OF:
        for code in PLANS:
            for f in plan_figures(Target.objects.filter(plan__code=code), as_of):
                rows.append(
                    (
                        as_of,
                        code,
                        f.target.code,
                        f.value,
                        f.numerator,
                        f.denominator,
                        f.status,
                        f.provisional,
                        f.reported,
                        f.expected,
                        f.last_period,
                    )
                )
    return rows


def add_demo_entries():
    """Generated entries (every status, some units missing) for the 2022 plan's city and
    district targets and the 2025 plan's city targets: a few hundred, because dumpdata
    with natural keys costs queries per row."""
    levels = demo_data.units_by_reporting_level()
    user = demo_data.generator_user()
    for code, reporting in (("kh74-2022", ["city", "districts"]), ("nq03-2025", ["city"])):
        plan = Plan.objects.get(code=code)
        targets = plan.targets.select_related("plan").filter(reporting_units__in=reporting)
        series = demo_data.plan_series(plan, levels, seed=3, targets=targets)
        ProgressEntry.objects.bulk_create(demo_data.plan_entries(series, seed=3, user=user))


def test_restored_database_reports_the_same_status(tmp_path):
    add_demo_entries()
    # One entry saved the ordinary way, with history: the newest 2025 figure approved.
    entry = ProgressEntry.objects.filter(
        target__plan__code="nq03-2025", target__code="CQS-01"
    ).latest("period_end")
    entry.status = ProgressEntry.Status.APPROVED
    entry.save()
    history = ProgressEntry.history.count()
    entries = ProgressEntry.objects.count()

    before, after = backup_round_trip(status_figures, tmp_path)

    assert after == before
    statuses = {row[6] for row in before}
    assert len(statuses) >= 4  # a report with substance, not all "no data"
    assert {row[1] for row in before if row[3] is not None} == set(PLANS)
    assert ProgressEntry.objects.count() == entries
    assert ProgressEntry.history.count() == history == 1
