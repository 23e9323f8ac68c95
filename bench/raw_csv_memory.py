"""Peak memory and speed of the raw-data CSV download, at 10,000 and 100,000 entries.

    DJANGO_SETTINGS_MODULE=tracker.settings .venv/bin/python bench/raw_csv_memory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker \\
        DJANGO_SETTINGS_MODULE=tracker.settings .venv/bin/python bench/raw_csv_memory.py

Creates a throwaway database (a temporary SQLite file, or ``bench_raw_csv`` on
PostgreSQL), loads the units and plans, bulk-creates the entries, then consumes the
``targets:entries-csv`` streaming response as a superuser: once for speed (rows/s), once
under ``tracemalloc`` for the peak of Python allocations. The export streams when the
peak stays flat while the entry count grows tenfold. Nothing here is asserted; the
tests pin the query count (one) instead.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from targets import periods  # noqa: E402
from targets.models import AdministrativeUnit, ProgressEntry, Target  # noqa: E402
from targets.views_reports import entries_csv  # noqa: E402

PLAN = "kh74-2022"
AS_OF = "2022-12-31"
STATUSES = ["approved"] * 7 + ["submitted", "draft", "returned"]


def combinations():
    """(target, unit, period_end) triples, unique, newest month first: every target of
    the plan for every unit (the database checks uniqueness, not the reporting level)."""
    targets = list(Target.objects.filter(plan__code=PLAN))
    units = list(AdministrativeUnit.objects.all())
    year, month = 2022, 12
    while True:
        period_end = periods.month_end(year, month)
        for target in targets:
            for unit in units:
                yield target, unit, period_end
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def add_entries(count, combos, reporter, reviewer):
    now = timezone.now()
    batch = []
    for index in range(count):
        target, unit, period_end = next(combos)
        status = STATUSES[index % len(STATUSES)]
        denominator = Decimal(100 + index % 900)
        numerator = Decimal(index % 100)
        batch.append(
            ProgressEntry(
                target=target,
                unit=unit,
                period_end=period_end,
                numerator=numerator,
                denominator=denominator,
                value=(100 * numerator / denominator).quantize(Decimal("0.0001")),
                status=status,
                note="Số liệu thử nghiệm hiệu năng" if index % 5 == 0 else "",
                created_by=reporter,
                created_at=now,
                updated_at=now,
                approved_by=reviewer if status == "approved" else None,
                approved_at=now if status == "approved" else None,
            )
        )
        if len(batch) == 5000:
            ProgressEntry.objects.bulk_create(batch)
            batch = []
    ProgressEntry.objects.bulk_create(batch)


def consume(request):
    """Stream the whole response; (rows, bytes)."""
    response = entries_csv(request)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return lines - 1, size


def measure(request, entries):
    started = time.perf_counter()
    rows, size = consume(request)
    elapsed = time.perf_counter() - started
    assert rows == entries, (rows, entries)  # notes hold no line breaks here

    tracemalloc.start()
    tracemalloc.reset_peak()
    consume(request)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{entries:>9,} entries  {rows / elapsed:>9,.0f} rows/s  {elapsed:6.2f} s  "
        f"{size / 2**20:7.1f} MiB of CSV  peak {peak / 2**20:6.2f} MiB (tracemalloc)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    sizes = sorted(parser.parse_args().sizes)

    settings_dict = connection.settings_dict
    tmp = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    else:
        settings_dict["TEST"]["NAME"] = "bench_raw_csv"
    old_name = settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
        User = get_user_model()
        root = User.objects.create_superuser("bench", password=None)
        reporter = User.objects.create_user("baocao.bench")
        reviewer = User.objects.create_user("duyet.bench")
        request = RequestFactory().get("/bao-cao/so-lieu.csv", {"plan": PLAN, "as_of": AS_OF})
        request.user = root
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        combos = combinations()
        created = 0
        for size in sizes:
            add_entries(size - created, combos, reporter, reviewer)
            created = size
            measure(request, size)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
