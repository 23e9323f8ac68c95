"""Time, queries and peak memory of a large import (issue 6; 5,000 rows by default,
the most ``IMPORT_MAX_ROWS`` allows; ``make bench`` asks for 10,000).

    DJANGO_SETTINGS_MODULE=tracker.settings .venv/bin/python bench/import_10k.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker \\
        DJANGO_SETTINGS_MODULE=tracker.settings .venv/bin/python bench/import_10k.py

Creates a throwaway database (a temporary SQLite file, or ``bench_import`` on
PostgreSQL), loads the units and plans, and a city-wide reporter. Builds an XLSX file
of ``--rows`` rows: the 2025 plan's monthly commune target (CQS-03c) for every commune,
month after month. Then runs ``targets.entry.importing.run.entries_import`` on it as the admin
and the command do: reading the file, the preview (dry run), the confirmed import
(new entries), and the same file with other figures (updates of the drafts). Prints
wall-clock seconds (and this process's CPU seconds: on a busy machine the two differ),
database queries per row and, in one more preview under ``tracemalloc``, the
peak of Python allocations. Nothing is asserted.
"""

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from targets.domain import periods  # noqa: E402
from targets.domain.models import AdministrativeUnit, Membership, Plan, ProgressEntry  # noqa: E402
from targets.entry.importing import columns, read_dataset  # noqa: E402
from targets.entry.importing.run import entries_import  # noqa: E402

PLAN = "nq03-2025"
TARGET = "CQS-03c"
HEADERS = list(columns.IMPORTED)


def build_file(rows: int, shift: int = 0) -> bytes:
    plan = Plan.objects.get(code=PLAN)
    communes = list(
        AdministrativeUnit.objects.filter(level="commune").values_list("code", flat=True)
    )
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    written = 0
    for day in periods.period_ends("monthly", plan.start_date, plan.end_date):
        for index, code in enumerate(communes):
            if written == rows:
                break
            denominator = 100 + (index * 7 + day.month) % 900
            numerator = (index + shift + day.month) % denominator
            sheet.append([PLAN, TARGET, code, day, numerator, denominator, None, ""])
            written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label, rows, action):
    counter = QueryCounter()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        result = action()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<32} {elapsed:7.2f} s  {rows / elapsed:8,.0f} rows/s  "
        f"{counter.count / rows:5.1f} queries/row  (this process's CPU: {cpu:.2f} s)"
    )
    return result


def peak(label, action):
    tracemalloc.start()
    tracemalloc.reset_peak()
    action()
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<32} peak {top / 2**20:7.1f} MiB (tracemalloc)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    rows = parser.parse_args().rows
    if rows > settings.IMPORT_MAX_ROWS:
        # A file past the limit is refused (issue 13); the bench raises it for itself.
        print(f"IMPORT_MAX_ROWS raised from {settings.IMPORT_MAX_ROWS:,} to {rows:,} for this run")
        settings.IMPORT_MAX_ROWS = rows

    settings_dict = connection.settings_dict
    tmp = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    else:
        settings_dict["TEST"]["NAME"] = "bench_import"
    old_name = settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
        call_command("setup_roles", verbosity=0)
        user = get_user_model().objects.create_user("baocao.thanhpho", is_staff=True)
        user.groups.add(Group.objects.get(name="reporters"))
        Membership.objects.create(
            user=user, unit=AdministrativeUnit.objects.get(code="31"), role="reporter"
        )
        print(f"database: {connection.vendor}; {rows:,} rows of {PLAN} {TARGET}")

        content = timed("build XLSX (openpyxl)", rows, lambda: build_file(rows))
        print(f"{'file size':<32} {len(content) / 2**20:7.2f} MiB")
        dataset = timed("read XLSX", rows, lambda: read_dataset(content, "bench.xlsx"))

        def run(data, dry_run):
            report = entries_import(
                dataset=data, file_name="bench.xlsx", user=user, dry_run=dry_run
            )
            assert report.ok, report.lines()[:5]
            return report

        report = timed("preview (dry run)", rows, lambda: run(dataset, True))
        assert report.new == rows and not ProgressEntry.objects.exists()
        report = timed("import: create", rows, lambda: run(dataset, False))
        assert ProgressEntry.objects.count() == rows

        changed = read_dataset(build_file(rows, shift=1), "bench.xlsx")
        report = timed("import: update drafts", rows, lambda: run(changed, False))
        assert report.update == rows, (report.update, report.unchanged)

        # tracemalloc slows Python down several times: one pass, the preview (the
        # import itself holds the same rows and results).
        peak("preview, read included", lambda: run(read_dataset(content, "b.xlsx"), True))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
