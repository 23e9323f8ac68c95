"""Measure one prepared database (``bench/run.py`` prepares it and calls this).

    DATABASE_URL=... python bench/measure.py OUT.json [--requests 20] [--part pages|csv-memory]

``pages`` (default): the three pages through the Django stack (django.test.Client, a
city viewer), their query count, the bare SQL of ``bench.bare_sql``, the XLSX and PDF
status reports, the raw CSV of every entry (rows per second) and the import of a
10,000-row file when this build has one. ``csv-memory``: only the raw CSV again, for
the process's peak memory (a separate run: measuring memory slows Python down).
Writes JSON; ``bench/run.py`` turns it into RESULTS.md.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
for name, value in {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "AXES_ENABLED": "0",
}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import get_commands  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import bare_sql  # noqa: E402
from targets.models import AdministrativeUnit, Membership, Plan, ProgressEntry, Target  # noqa: E402
from targets.reports.csv import export_entries_csv  # noqa: E402

# The pages measured: (plan, as-of date, target of the detail page). kh74-2022 (the
# real 2022 plan, 16 targets, ~3,000 entries) is filled first by generate_demo_data,
# so it holds the same entries at every size: its pages show how time grows with the
# entries of *other* plans. dvc-demo-2025 (monthly figures of every district and
# commune; 180 targets and ~980,000 entries at 1M) exists from 100,000 entries on.
SCENARIOS = [
    ("kh74-2022", "2022-12-31", "CQS-03c"),
    ("dvc-demo-2025", "2025-06-30", "TT-HT-X"),
]
VIEWER = "bench.viewer"


def viewer():
    user, created = get_user_model().objects.get_or_create(username=VIEWER)
    if created:
        user.set_unusable_password()
        user.save()
    city = AdministrativeUnit.objects.get(kind=AdministrativeUnit.Kind.CITY)
    Membership.objects.get_or_create(user=user, unit=city, role=Membership.Role.VIEWER)
    return user


def viewer_session() -> str:
    """The key of a new logged-in session of the viewer (the load test's cookie)."""
    client = Client()
    client.force_login(viewer())
    return client.cookies["sessionid"].value


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(function, runs, clock=time.perf_counter):
    times = []
    for _ in range(runs):
        started = clock()
        function()
        times.append(clock() - started)
    return times


def measure_page(client, url, requests):
    for _ in range(2):  # warm-up: caches, connection, template loading
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    sql_times = []
    for _ in range(5):  # the page's own SQL: the time its queries took inside the request
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        sql_times.append(sum(float(query["time"]) for query in captured.captured_queries))
    queries = len(captured.captured_queries)  # read now: the next request resets the log
    times = timed(lambda: client.get(url), requests)
    # The CPU time of this process per request: on a machine shared with other work the
    # wall-clock time mostly measures the neighbours; this does not (on PostgreSQL it
    # leaves out the server's own work, which the SQL time above shows).
    cpu = timed(lambda: client.get(url), requests, clock=time.process_time)
    return {
        "url": url,
        "queries": queries,
        "sql_in_page": statistics.median(sql_times),
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "cpu_median": statistics.median(cpu),
        "runs": len(times),
    }


def run_statements(statements):
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def measure_bare(page, plan, target, as_of, runs):
    """Median time of each way of writing the page's SQL; the best is the baseline."""
    key = target.pk if page == "target-detail" else plan.pk
    ways = {}
    for way in ("probe", "scan"):
        statements = bare_sql.PAGES[page](connection.vendor, way, key, as_of)
        run_statements(statements)  # warm-up
        ways[way] = statistics.median(timed(lambda s=statements: run_statements(s), runs))
    best = min(ways, key=ways.get)
    return {"median": ways[best], "way": best, "ways": ways}


def measure_pages(requests):
    import datetime

    client = Client()
    client.force_login(viewer())
    results = []
    for plan_code, as_of_text, target_code in SCENARIOS:
        plan = Plan.objects.filter(code=plan_code).first()
        if plan is None or not ProgressEntry.objects.filter(target__plan=plan).exists():
            continue
        target = Target.objects.get(plan=plan, code=target_code)
        as_of = datetime.date.fromisoformat(as_of_text)
        urls = {
            "dashboard": f"/?plan={plan_code}&as_of={as_of_text}",
            "target-list": f"/chi-tieu/?plan={plan_code}&as_of={as_of_text}",
            "target-detail": f"/{plan_code}/{target_code}/?as_of={as_of_text}",
        }
        entries = ProgressEntry.objects.filter(target__plan=plan).count()
        for page, url in urls.items():
            result = measure_page(client, url, requests)
            result["bare"] = measure_bare(page, plan, target, as_of, max(5, requests // 2))
            result |= {"page": page, "plan": plan_code, "as_of": as_of_text}
            result["plan_entries"] = entries
            result["targets"] = plan.targets.count()
            results.append(result)
            print(
                f"  {plan_code:<14} {page:<14} {result['median'] * 1000:8.1f} ms"
                f"  p95 {result['p95'] * 1000:8.1f} ms  cpu {result['cpu_median'] * 1000:6.1f} ms"
                f"  {result['queries']:3} queries"
                f"  bare {result['bare']['median'] * 1000:8.1f} ms ({result['bare']['way']})",
                flush=True,
            )
    return client, results


def measure_reports(client):
    results = {}
    plan_code, as_of_text, _ = SCENARIOS[0]
    for kind in ("xlsx", "pdf"):
        url = f"/bao-cao/tinh-hinh.{kind}?plan={plan_code}&as_of={as_of_text}"
        assert client.get(url).status_code == 200
        times = timed(lambda u=url: client.get(u), 3)
        results[kind] = {"url": url, "median": statistics.median(times)}
        print(f"  report {kind}: {results[kind]['median'] * 1000:.0f} ms", flush=True)
    return results


def consume_raw_csv():
    rows = size = 0
    for chunk in export_entries_csv(ProgressEntry.objects.all()):
        size += len(chunk)
        rows += chunk.count(b"\n")
    return rows - 1, size  # the header line (generated notes hold no line break)


def measure_csv_speed():
    """One timed pass (the pages measured before warmed the database's cache)."""
    started = time.perf_counter()
    rows, size = consume_raw_csv()
    elapsed = time.perf_counter() - started
    result = {"rows": rows, "bytes": size, "seconds": elapsed, "rows_per_s": rows / elapsed}
    print(f"  raw CSV: {rows:,} rows, {result['rows_per_s']:,.0f} rows/s", flush=True)
    return result


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_csv_memory():
    """Peak resident memory of this process before and after one full raw CSV export."""
    ProgressEntry.objects.exists()
    before = peak_rss_mib()
    rows, _ = consume_raw_csv()
    after = peak_rss_mib()
    print(f"  raw CSV memory: peak RSS {before:.1f} -> {after:.1f} MiB", flush=True)
    return {"rows": rows, "rss_before_mib": before, "rss_peak_mib": after}


def measure_import():
    """The 10,000-row import (``BENCH_IMPORT_ROWS`` rows; the smoke run uses fewer), when
    this build has ``import_progress`` and its bench."""
    script = ROOT / "bench" / "import_10k.py"
    if "import_progress" not in get_commands() or not script.exists():
        return {"note": "not measured: import not available in this build"}
    rows = os.environ.get("BENCH_IMPORT_ROWS", "10000")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), "--rows", rows],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        return {"note": f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"}
    steps = {}
    for line in done.stdout.splitlines():
        found = re.match(
            r"(preview \(dry run\)|import: create|import: update drafts)\s+([\d.]+) s", line
        )
        if found:
            steps[found.group(1)] = float(found.group(2))
        found = re.match(r"preview, read included\s+peak\s+([\d.]+) MiB", line)
        if found:
            steps["peak_mib"] = float(found.group(1))
    print(f"  import of {rows} rows: {steps}", flush=True)
    return {"seconds": elapsed, "rows": int(rows), "steps": steps, "output": done.stdout}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--part", choices=["pages", "csv-memory", "session"], default="pages")
    args = parser.parse_args()
    reset_queries()
    if args.part == "session":
        result = {"session": viewer_session()}
    elif args.part == "csv-memory":
        result = {"csv_memory": measure_csv_memory()}
    else:
        client, pages = measure_pages(args.requests)
        result = {
            "vendor": connection.vendor,
            "entries": ProgressEntry.objects.count(),
            "pages": pages,
            "reports": measure_reports(client),
            "csv": measure_csv_speed(),
            "import": measure_import()
            if os.environ.get("BENCH_IMPORT", "1") == "1"
            else {"note": "measured once per backend (its own database; see above)"},
        }
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
