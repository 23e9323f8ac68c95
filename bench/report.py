"""Write bench/RESULTS.md from the figures ``bench/run.py`` collected.

The budget (issue 8, DESIGN.md "Performance budget") is checked line by line; the
explanations of the figures live in ``bench/notes.md`` and are copied in below them.
"""

from pathlib import Path

NOTES = Path(__file__).resolve().parent / "notes.md"
PAGE_NAMES = {
    "dashboard": "dashboard",
    "target-list": "target table",
    "target-detail": "target detail",
}


def ms(seconds):
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def figure_cache_line(results):
    redis = results["machine"].get("redis_url")
    if redis:
        return (
            f"- Figure cache: on (Redis `{redis}`): the roll-ups and the manager pages'"
            " content (`targets/page_cache.py`) are warm unless marked cold; the load test"
            " runs warm."
        )
    return "- Figure cache: off (no Redis answered): every figure is computed per request."


def own_ratio(page):
    own = page.get("own_sql", {})
    return page["median"] / own["median"] if own.get("median") else None


def own_text(page):
    ratio = own_ratio(page)
    if ratio is None:
        return "— | —"
    return f"{page['own_sql']['median'] * 1000:,.2f} | {ratio:.1f}×"


def size_label(size):
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else f"{size:,}"


def write_report(results, out: Path):
    machine = results["machine"]
    sizes = sorted(results["sizes"])
    runs = results["runs"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand — the explanations come",
        "from `bench/notes.md`.",
        "",
        "## Machine",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']:.1f} GiB memory;"
        " load average at start:"
        f" {', '.join(f'{x:.1f}' for x in machine['load_at_start'])}; medians are used.",
        f"- Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"PostgreSQL {machine['postgresql'] or '(not measured)'} (default settings, same machine).",
        f"- Run: {machine['date']}; sizes {', '.join(size_label(s) for s in sizes)} entries"
        " (`generate_demo_data --seed 1`).",
        figure_cache_line(results),
        "- Load average (1, 5, 15 min) when each database's measuring started: "
        + "; ".join(
            f"{key.replace('_', ' ')} {', '.join(f'{x:.1f}' for x in run['load_at_measure'])}"
            for key, run in runs.items()
            if "load_at_measure" in run
        )
        + ".",
        "",
        "## Pages",
        "",
        "Whole request through the Django stack (django.test.Client, a viewer of the city,"
        " DEBUG off), median and p95 of the timed requests after two warm-ups; queries of one"
        " request; the bare SQL computing the same figures (`bench/bare_sql.py`, the faster"
        " of its two ways: `probe` = one index probe per (target, unit), `scan` = read every"
        " approved entry once), median; ratio = page / bare SQL. *SQL in page*: the time the"
        " page's own queries took inside the request (Django's query log, to the"
        " millisecond, median of 5): the rest of the page's time is Python — the view, the"
        " figures and statuses, the templates. *Own SQL*: the same SELECTs run again"
        " straight on the cursor as the database received them, to the microsecond (the"
        " page's SQL without the ORM, the view or the templates). *CPU ms*: the CPU time of the measuring"
        " process per request, median (the Python work, and SQLite's; not PostgreSQL's"
        " server): steadier than the clock when the machine is shared. With the figure cache"
        " (`REDIS_URL`, `targets/figure_cache.py`) the median and p95 are *warm* (roll-ups"
        " and the page's content from the cache, `targets/page_cache.py`: the request then"
        " reads the session, the person, their scope, the plans and the data version, and"
        " renders the frame around the kept content) and *cold ms* is the median with the"
        " cache emptied before each request; without it, *cold ms* is –.",
        "",
        "| backend | entries | plan (entries, targets) | page | median ms | p95 ms | cold ms"
        " | CPU ms | queries | SQL in page ms | own SQL ms | ÷ own SQL | bare SQL ms"
        " | ÷ bare SQL |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, run in runs.items():
        backend, size = key.rsplit("_", 1)
        for page in run["pages"]:
            bare = page["bare"]
            lines.append(
                f"| {backend} | {size_label(int(size))} | {page['plan']} ({page['plan_entries']:,},"
                f" {page['targets']}) | {PAGE_NAMES[page['page']]} | {ms(page['median'])}"
                f" | {ms(page['p95'])} | {ms(page.get('cold_median'))}"
                f" | {ms(page['cpu_median']) if 'cpu_median' in page else '—'}"
                f" | {page['queries']}"
                f" | {ms(page['sql_in_page']) if 'sql_in_page' in page else '—'}"
                f" | {own_text(page)}"
                f" | {ms(bare['median'])} ({bare['way']})"
                f" | {page['median'] / bare['median']:.1f}× |"
            )
    lines += [
        "",
        "URLs: "
        + "; ".join(sorted({f"`{p['url']}`" for run in runs.values() for p in run["pages"]})),
        "",
        "## Growth with the number of entries",
        "",
        "Median page time at the largest size over the smallest size where the plan exists,"
        " same plan, date and target (kh74-2022 holds the same entries at every size, so its"
        " growth is the cost of the other plans' entries).",
        "",
        "| backend | plan | page | sizes | ms | growth | queries |",
        "|---|---|---|---|---|---:|---|",
    ]
    for backend in ("sqlite", "postgres"):
        series = {}
        for size in sizes:
            run = runs.get(f"{backend}_{size}")
            for page in run["pages"] if run else []:
                series.setdefault((page["plan"], page["page"]), []).append((size, page))
        for (plan, page_name), points in series.items():
            if len(points) < 2:
                continue
            (first_size, first), (last_size, last) = points[0], points[-1]
            lines.append(
                f"| {backend} | {plan} | {PAGE_NAMES[page_name]}"
                f" | {size_label(first_size)} → {size_label(last_size)}"
                f" | {' → '.join(ms(p['median']) for _, p in points)}"
                f" | {last['median'] / first['median']:.2f}×"
                f" | {' → '.join(str(p['queries']) for _, p in points)} |"
            )
    lines += screen_lines(runs, sizes)
    lines += [
        "",
        "## Status reports, raw CSV, import",
        "",
        "XLSX and PDF: the status report of kh74-2022 as of 31/12/2022, whole request,"
        " median of 3. Raw CSV: every entry of the database through"
        " `targets.reports.csv.export_entries_csv` (what `targets:entries-csv` streams), one"
        " timed pass after the pages warmed the cache; its memory in a separate process:"
        " peak resident set size before and after one full export.",
        "",
        "| backend | entries | XLSX ms | PDF ms | raw CSV rows/s | CSV peak RSS before → after MiB"
        " | import of a 10,000-row file (`bench/import_10k.py`) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for key, run in runs.items():
        backend, size = key.rsplit("_", 1)
        memory = run.get("csv_memory", {})
        imp = run["import"]
        steps = imp.get("steps") or {}
        if "import: create" in steps:
            imp_text = (
                f"preview {steps.get('preview (dry run)', 0):.1f} s, create"
                f" {steps['import: create']:.1f} s, update {steps.get('import: update drafts', 0):.1f} s"
                f" ({imp.get('rows', 10000):,} rows; peak {steps.get('peak_mib', 0):.0f} MiB)"
            )
        else:
            imp_text = imp.get("note") or f"{imp['seconds']:.1f} s"
        lines.append(
            f"| {backend} | {size_label(int(size))} | {ms(run['reports']['xlsx']['median'])}"
            f" | {ms(run['reports']['pdf']['median'])} | {run['csv']['rows_per_s']:,.0f}"
            f" | {memory.get('rss_before_mib', 0):.0f} → {memory.get('rss_peak_mib', 0):.0f}"
            f" | {imp_text} |"
        )
    load = results.get("load")
    lines += ["", "## Under load", ""]
    if load and "requests_per_s" in load:
        lines += [
            f"gunicorn, 2 workers (`gunicorn.conf.py`, DEBUG off) on the PostgreSQL database of"
            f" {size_label(load['size'])} entries; wrk, 2 threads, {load['connections']}"
            f" connections, {load['seconds']} s, each request with the session of its"
            " person, rotating: "
            + ", ".join(f"`{path}` ({role})" for path, role in load.get("mix", []))
            + ". Load average (1, 5, 15 min) before the run: "
            + ", ".join(f"{x:.1f}" for x in load.get("load_before", ()))
            + "; after: "
            + ", ".join(f"{x:.1f}" for x in load.get("load_after", ()))
            + ".",
            "",
            "| requests | requests/s | p50 ms | p99 ms | not 200 (access log) | socket errors |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {load['requests']:,} | {load['requests_per_s']:.1f} | {ms(load['p50'])}"
            f" | {ms(load['p99'])} | {load['not_200']} | {load['socket_errors']} |",
        ]
    else:
        lines.append((load or {}).get("note", "not measured in this run"))
    lines += ["", "## Budget", ""]
    lines += budget_lines(results)
    if NOTES.exists():
        lines += ["", NOTES.read_text().strip()]
    out.write_text("\n".join(lines) + "\n")


SCREEN_NAMES = {
    "admin-list": "admin entry list",
    "admin-search-code": "admin list, search by unit code (`q=11329`)",
    "admin-search-name": "admin list, search by unit name (`q=Máy Chai`)",
    "admin-district": "admin list, filtered by district (Ngô Quyền)",
    "admin-page-10": "admin list, page 10",
    "review-queue": "review queue",
    "api-entries": "API: entries (first page)",
    "completeness": "completeness",
    "unit-page": "unit page of a district (Ngô Quyền)",
    "period-sheet": "period sheet (Ngô Quyền's communes, one target)",
    "api-figures": "API: figures of the plan",
    "api-figures-district": "API: figures of a district",
}


def screen_key(screen):
    return (screen["screen"], screen["role"], screen.get("plan"))


def screen_budget(screen, key="median"):
    """(text, met) of one screen's budget, on its warm (``median``) or ``cold_median``."""
    budget = screen["budget"]
    if budget["kind"] == "ms":
        limit = budget["limit"]
        return f"≤ {limit * 1000:.0f} ms", screen[key] <= limit
    ratio = screen[key] / screen["bare"]["median"]
    return f"{ratio:.1f}× bare SQL (≤ {budget['limit']:g}×)", ratio <= budget["limit"]


def judged(screen) -> str:
    """The budget on the warm median and, with the figure cache, on the cold one."""
    text, ok = screen_budget(screen)
    out = f"{text}: {'met' if ok else '**missed**'}"
    if screen.get("cold_median") is not None:
        cold_text, cold_ok = screen_budget(screen, "cold_median")
        out = f"warm {out}; cold {cold_text}: {'met' if cold_ok else '**missed**'}"
    return out


def screen_lines(runs, sizes):
    """The screens of issue 19: each as the role that uses it, at every size."""
    lines = [
        "",
        "## Screens at scale (issue 19)",
        "",
        "Whole request as the person who uses the screen (the demo accounts of"
        " `setup_demo`: the city's reviewer, Ngô Quyền's reviewer and reporter; a superuser;"
        " the city viewer), DEBUG off, median and p95 after two warm-ups. Budgets: the"
        " admin entry list, review queue, period sheet and API lists ≤ 150 ms; searching"
        " and filtering the admin list ≤ 300 ms; completeness ≤ 3× its bare SQL; a district's"
        " unit page ≤ 1.5× the bare SQL of that district alone; the API's plan figures"
        " ≤ 2× the target table's bare SQL.",
        "",
        "| backend | entries | screen | as | plan | median ms | p95 ms | cold ms | queries"
        " | SQL in page ms | bare SQL ms | budget |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, run in runs.items():
        backend, size = key.rsplit("_", 1)
        for screen in run.get("screens", []):
            bare = screen.get("bare")
            lines.append(
                f"| {backend} | {size_label(int(size))} | {SCREEN_NAMES[screen['screen']]}"
                f" | {screen['role']} | {screen.get('plan') or 'all'} | {ms(screen['median'])}"
                f" | {ms(screen['p95'])} | {ms(screen.get('cold_median'))} | {screen['queries']}"
                f" | {ms(screen['sql_in_page'])}"
                f" | {ms(bare['median']) if bare else '—'}"
                f" | {judged(screen)} |"
            )
    lines += [
        "",
        "Growth of each screen from the smallest to the largest size (same role, plan and"
        " URL; budget ≤ 1.5× and the same queries):",
        "",
        "| backend | screen | as | plan | ms | growth | queries |",
        "|---|---|---|---|---|---:|---|",
    ]
    for backend in ("sqlite", "postgres"):
        series = {}
        for size in sizes:
            for screen in runs.get(f"{backend}_{size}", {}).get("screens", []):
                series.setdefault(screen_key(screen), []).append(screen)
        for (name, role, plan), points in series.items():
            if len(points) < 2:
                continue
            growth = points[-1]["median"] / points[0]["median"]
            lines.append(
                f"| {backend} | {SCREEN_NAMES[name]} | {role} | {plan or 'all'}"
                f" | {' → '.join(ms(p['median']) for p in points)} | {growth:.2f}×"
                f" | {' → '.join(str(p['queries']) for p in points)} |"
            )
    return lines


def mark(ok) -> str:
    return "met" if ok else "**missed**"


def growth_lines(runs, small, big, *, items, key, name):
    """The growth budget (time ≤ 1.5×, the same queries) from the smallest size to the
    largest, on each backend, of the ``items`` of a run (pages or screens)."""

    out = []
    for backend in ("postgres", "sqlite"):
        first, last = runs.get(f"{backend}_{small}"), runs.get(f"{backend}_{big}")
        if not first or not last or small == big:
            continue
        before = {key(item): item for item in items(first)}
        for item in items(last):
            old = before.get(key(item))
            if old is None:
                continue
            growth = item["median"] / old["median"]
            same = item["queries"] == old["queries"]
            out.append(
                f"- {backend} {size_label(small)} → {size_label(big)}, {name(item)}:"
                f" time × {growth:.2f} (≤ 1.5×): {mark(growth <= 1.5)};"
                f" queries {old['queries']} → {item['queries']}: {mark(same)}."
            )
    return out


def budget_lines(results):
    sizes = sorted(results["sizes"])
    runs = results["runs"]
    big, small = sizes[-1], sizes[0]
    out = []
    pg = runs.get(f"postgres_{big}")

    if pg:
        # Issue 19: the 2022 plan's pages within 3× their own SQL, the city-scale plan's
        # dashboard within 2× its bare SQL (the other pages: reported against both).
        for page in pg["pages"]:
            ratio = page["median"] / page["bare"]["median"]
            own = own_ratio(page)
            cold = page.get("cold_median")
            if page["page"] == "dashboard" and page["plan"] != "kh74-2022" and cold:
                cold_ratio = cold / page["bare"]["median"]
                out.append(
                    f"- PostgreSQL {size_label(big)}, {page['plan']} {PAGE_NAMES[page['page']]}:"
                    f" warm {ratio:.1f}× its bare SQL (≤ 2×): {mark(ratio <= 2)}; cold"
                    f" {cold_ratio:.1f}×: {mark(cold_ratio <= 2)}."
                )
            elif page["plan"] == "kh74-2022" and own is not None:
                out.append(
                    f"- PostgreSQL {size_label(big)}, {page['plan']} {PAGE_NAMES[page['page']]}:"
                    f" {own:.1f}× its own SQL (≤ 3×): {mark(own <= 3)}."
                )
            elif page["page"] == "dashboard":
                out.append(
                    f"- PostgreSQL {size_label(big)}, {page['plan']} {PAGE_NAMES[page['page']]}:"
                    f" {ratio:.1f}× its bare SQL (≤ 2×): {mark(ratio <= 2)}."
                )
            else:
                out.append(
                    f"- PostgreSQL {size_label(big)}, {page['plan']} {PAGE_NAMES[page['page']]}:"
                    f" {ratio:.1f}× its bare SQL, {own or 0:.1f}× its own SQL (no budget of its own)."
                )
    out += growth_lines(
        runs,
        small,
        big,
        items=lambda run: run["pages"],
        key=lambda page: (page["plan"], page["page"]),
        name=lambda page: f"{page['plan']} {PAGE_NAMES[page['page']]}",
    )
    if pg:
        for screen in pg.get("screens", []):
            out.append(
                f"- PostgreSQL {size_label(big)}, {SCREEN_NAMES[screen['screen']]}"
                f" as {screen['role']}{' (' + screen['plan'] + ')' if screen.get('plan') else ''}:"
                f" {ms(screen['median'])} ms, {judged(screen)}."
            )
    out += growth_lines(
        runs,
        small,
        big,
        items=lambda run: run.get("screens", []),
        key=screen_key,
        name=lambda screen: f"{SCREEN_NAMES[screen['screen']]} as {screen['role']}",
    )
    for key, run in runs.items():
        rate = run["csv"]["rows_per_s"]
        out.append(f"- raw CSV {key}: {rate:,.0f} rows/s (≥ 100,000): {mark(rate >= 100_000)}.")
    for backend in ("postgres", "sqlite"):
        grown = {
            size: runs[f"{backend}_{size}"]["csv_memory"]
            for size in sizes
            if "csv_memory" in runs.get(f"{backend}_{size}", {})
        }
        if len(grown) > 1:
            growth = {
                size: memory["rss_peak_mib"] - memory["rss_before_mib"]
                for size, memory in grown.items()
            }
            flat = growth[max(growth)] - growth[min(growth)] < 16
            out.append(
                f"- raw CSV memory, {backend}: the export adds"
                f" {' / '.join(f'{growth[size]:.0f}' for size in sorted(growth))} MiB to the"
                f" process's peak at {' / '.join(size_label(size) for size in sorted(growth))}"
                f" entries (does not grow with them): {mark(flat)}."
            )
    load = results.get("load")
    if load and "p99" in load:
        ok = load["errors"] == 0 and load["p99"] is not None and load["p99"] < 0.3
        out.append(
            f"- under load ({size_label(load['size'])}, {load['connections']} connections):"
            f" {load['errors']} errors, p99 {ms(load['p99'])} ms (0 errors, p99 < 300 ms):"
            f" {mark(ok)}."
        )
    return out
