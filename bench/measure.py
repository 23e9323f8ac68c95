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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import get_commands  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import bare_sql  # noqa: E402
from targets.domain import figure_cache  # noqa: E402
from targets.domain.models import AdministrativeUnit, Membership, Plan, ProgressEntry, Target  # noqa: E402
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


# The people of the screens of issue 19: the demo accounts (``setup_demo``: a city
# reviewer, Ngô Quyền's reviewer and reporter) and a superuser.
SUPERUSER = "bench.admin"
ROLE_USERS = {
    "superuser": SUPERUSER,
    "city viewer": VIEWER,
    "city reviewer": "duyet.thanhpho",
    "district reviewer": "duyet.huyen",
    "district reporter": "baocao.huyen",
}
DISTRICT = "304"  # Ngô Quyền: the district of the demo accounts


def role_clients() -> dict[str, Client]:
    from targets.management.commands.setup_demo import create_demo_accounts

    create_demo_accounts()
    viewer()
    admin, _ = get_user_model().objects.get_or_create(
        username=SUPERUSER, defaults={"is_staff": True, "is_superuser": True}
    )
    clients = {}
    for role, username in ROLE_USERS.items():
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=username))
    return clients


def role_sessions() -> dict[str, str]:
    """Session keys of each role (the load test's cookies)."""
    return {role: client.cookies["sessionid"].value for role, client in role_clients().items()}


ADMIN_LIST = "/admin/targets/progressentry/"

# Budgets of issue 19: ("ms", limit in seconds) on the median, or ("bare", ratio) to the
# bare SQL of ``bench.bare_sql.SCREENS``.
LIST_BUDGET = ("ms", 0.150)
SEARCH_BUDGET = ("ms", 0.300)


def screens(plan_code, as_of_text, target_code, district_id, plan_id):
    """(screen, role, url, budget, bare SQL key) of one plan's scenario; the admin
    list, the queue and the entries API (all plans) go with the first scenario."""
    q = f"plan={plan_code}&as_of={as_of_text}"
    found = [
        ("completeness", "city viewer", f"/tinh-hinh-bao-cao/?{q}", ("bare", 3), plan_id),
        (
            "unit-page",
            "city viewer",
            f"/don-vi/{DISTRICT}/?{q}",
            ("bare", 1.5),
            (plan_id, district_id),
        ),
        (
            "period-sheet",
            "district reporter",
            f"/admin/targets/progressentry/sheet/?plan={plan_code}&unit={DISTRICT}"
            f"&period_end={as_of_text}&target={target_code}",
            LIST_BUDGET,
            None,
        ),
        ("api-figures", "city viewer", f"/api/v1/figures/?{q}", ("bare-table", 2), plan_id),
        (
            "api-figures-district",
            "district reviewer",
            f"/api/v1/figures/?{q}&unit={DISTRICT}",
            LIST_BUDGET,
            None,
        ),
    ]
    return found


COMMON_SCREENS = [
    *[
        ("admin-list", role, ADMIN_LIST, LIST_BUDGET, None)
        for role in ROLE_USERS
        if role != "city viewer"
    ],
    ("admin-search-code", "superuser", f"{ADMIN_LIST}?q=11329", SEARCH_BUDGET, None),
    ("admin-search-name", "superuser", f"{ADMIN_LIST}?q=M%C3%A1y+Chai", SEARCH_BUDGET, None),
    ("admin-district", "superuser", f"{ADMIN_LIST}?district={DISTRICT}", SEARCH_BUDGET, None),
    ("admin-district", "city reviewer", f"{ADMIN_LIST}?district={DISTRICT}", SEARCH_BUDGET, None),
    ("admin-page-10", "superuser", f"{ADMIN_LIST}?p=10", SEARCH_BUDGET, None),
    ("review-queue", "city reviewer", "/admin/targets/progressentry/review/", LIST_BUDGET, None),
    (
        "review-queue",
        "district reviewer",
        "/admin/targets/progressentry/review/",
        LIST_BUDGET,
        None,
    ),
    ("api-entries", "city reviewer", "/api/v1/entries/", LIST_BUDGET, None),
    ("api-entries", "district reporter", "/api/v1/entries/", LIST_BUDGET, None),
]


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
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    times = timed(lambda: client.get(url), requests)
    # The CPU time of this process per request: on a machine shared with other work the
    # wall-clock time mostly measures the neighbours; this does not (on PostgreSQL it
    # leaves out the server's own work, which the SQL time above shows).
    cpu = timed(lambda: client.get(url), requests, clock=time.process_time)
    cold = None
    if figure_cache.enabled():
        # The figures above came from the shared cache (warm); cold: emptied before
        # each request, so every roll-up is computed (and stored) again.
        cold_times = []
        for _ in range(max(5, requests // 2)):
            caches[settings.FIGURE_CACHE].clear()
            started = time.perf_counter()
            client.get(url)
            cold_times.append(time.perf_counter() - started)
        cold = statistics.median(cold_times)
    return {
        "cold_median": cold,
        "url": url,
        "queries": queries,
        "sql_in_page": statistics.median(sql_times),
        "own_sql": own_sql(statements, max(5, requests // 2)),
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "cpu_median": statistics.median(cpu),
        "runs": len(times),
    }


def own_sql(statements, runs):
    """Median time of the page's own SELECTs run again straight on the cursor, as the
    database received them (Django's query log holds them with their parameters): the
    page's SQL without the ORM, the view or the templates, to the microsecond."""

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql.replace("%", "%%") if connection.vendor == "postgresql" else sql)
                cursor.fetchall()

    try:
        run()
    except Exception as error:  # a statement the log cannot give back verbatim
        return {"error": str(error)[:200]}
    return {"median": statistics.median(timed(run, runs)), "statements": len(statements)}


def run_statements(statements):
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def measure_bare(page, plan, target, as_of, runs):
    """Median time of each way of writing the page's SQL; the best is the baseline."""
    key = target.pk if page == "target-detail" else plan.pk
    return measure_bare_with(bare_sql.PAGES[page], key, as_of, runs)


def measure_bare_with(function, key, as_of, runs):
    ways = {}
    for way in ("probe", "scan"):
        statements = function(connection.vendor, way, key, as_of)
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


def measure_screens(requests):
    """The screens of issue 19, each as the role that uses it."""
    import datetime

    clients = role_clients()
    district = AdministrativeUnit.objects.get(code=DISTRICT)
    results = []
    todo = [(None, *screen) for screen in COMMON_SCREENS]
    for plan_code, as_of_text, target_code in SCENARIOS:
        plan = Plan.objects.filter(code=plan_code).first()
        if plan is None or not ProgressEntry.objects.filter(target__plan=plan).exists():
            continue
        as_of = datetime.date.fromisoformat(as_of_text)
        for screen in screens(plan_code, as_of_text, target_code, district.pk, plan.pk):
            todo.append(((plan, as_of), *screen))
    for scenario, name, role, url, budget, key in todo:
        result = measure_page(clients[role], url, requests)
        kind, limit = budget
        if kind in ("bare", "bare-table"):
            plan, as_of = scenario
            function = (
                bare_sql.PAGES["target-list"] if kind == "bare-table" else bare_sql.SCREENS[name]
            )
            result["bare"] = measure_bare_with(function, key, as_of, max(5, requests // 2))
        result |= {
            "screen": name,
            "role": role,
            "plan": scenario[0].code if scenario else None,
            "budget": {"kind": "ms" if kind == "ms" else "bare", "limit": limit},
        }
        results.append(result)
        bare = result.get("bare")
        print(
            f"  {name:<22} {role:<18} {result['median'] * 1000:8.1f} ms"
            f"  p95 {result['p95'] * 1000:8.1f} ms  {result['queries']:3} queries"
            + (f"  bare {bare['median'] * 1000:8.1f} ms ({bare['way']})" if bare else ""),
            flush=True,
        )
    return results


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
    parser.add_argument(
        "--part", choices=["pages", "csv-memory", "session", "sessions"], default="pages"
    )
    args = parser.parse_args()
    reset_queries()
    if args.part == "session":
        result = {"session": viewer_session()}
    elif args.part == "sessions":
        result = {"sessions": role_sessions()}
    elif args.part == "csv-memory":
        result = {"csv_memory": measure_csv_memory()}
    else:
        client, pages = measure_pages(args.requests)
        result = {
            "vendor": connection.vendor,
            "entries": ProgressEntry.objects.count(),
            "pages": pages,
            "screens": measure_screens(args.requests),
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
