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
        " figures and statuses, the templates. *CPU ms*: the CPU time of the measuring"
        " process per request, median (the Python work, and SQLite's; not PostgreSQL's"
        " server): steadier than the clock when the machine is shared.",
        "",
        "| backend | entries | plan (entries, targets) | page | median ms | p95 ms | CPU ms"
        " | queries | SQL in page ms | bare SQL ms | ratio |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, run in runs.items():
        backend, size = key.rsplit("_", 1)
        for page in run["pages"]:
            bare = page["bare"]
            lines.append(
                f"| {backend} | {size_label(int(size))} | {page['plan']} ({page['plan_entries']:,},"
                f" {page['targets']}) | {PAGE_NAMES[page['page']]} | {ms(page['median'])}"
                f" | {ms(page['p95'])}"
                f" | {ms(page['cpu_median']) if 'cpu_median' in page else '—'}"
                f" | {page['queries']}"
                f" | {ms(page['sql_in_page']) if 'sql_in_page' in page else '—'}"
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
            f" connections, {load['seconds']} s, a viewer's session cookie, rotating: "
            + ", ".join(f"`{p}`" for p in load["pages"])
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


def budget_lines(results):
    sizes = sorted(results["sizes"])
    runs = results["runs"]
    big, small = sizes[-1], sizes[0]
    out = []
    pg = runs.get(f"postgres_{big}")

    def mark(ok):
        return "met" if ok else "**missed**"

    if pg:
        for page in pg["pages"]:
            ratio = page["median"] / page["bare"]["median"]
            out.append(
                f"- PostgreSQL {size_label(big)}, {page['plan']} {PAGE_NAMES[page['page']]}:"
                f" {ratio:.1f}× its bare SQL (≤ 2×): {mark(ratio <= 2)}."
            )
    for backend in ("postgres", "sqlite"):
        first, last = runs.get(f"{backend}_{small}"), runs.get(f"{backend}_{big}")
        if not first or not last or small == big:
            continue
        before = {(p["plan"], p["page"]): p for p in first["pages"]}
        for page in last["pages"]:
            old = before.get((page["plan"], page["page"]))
            if old is None:
                continue
            growth = page["median"] / old["median"]
            same = page["queries"] == old["queries"]
            out.append(
                f"- {backend} {size_label(small)} → {size_label(big)}, {page['plan']}"
                f" {PAGE_NAMES[page['page']]}: time × {growth:.2f} (≤ 1.5×): {mark(growth <= 1.5)};"
                f" queries {old['queries']} → {page['queries']}: {mark(same)}."
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
        ok = load["errors"] == 0 and load["p99"] is not None and load["p99"] < 0.5
        out.append(
            f"- under load ({size_label(load['size'])}): {load['errors']} errors,"
            f" p99 {ms(load['p99'])} ms (0 errors, p99 < 500 ms): {mark(ok)}."
        )
    return out
