"""``make bench``: build databases at several sizes, measure them, write bench/RESULTS.md.

    .venv/bin/python bench/run.py            # SQLite and PostgreSQL, 10k, 100k, 1M entries
    BENCH_SIZES=2000 BENCH_LOAD_SECONDS=5 BENCH_REQUESTS=5 .venv/bin/python bench/run.py

Environment:
- ``BENCH_SIZES``: comma-separated entry counts (default ``10000,100000,1000000``);
- ``BENCH_BACKENDS``: ``sqlite,postgres`` (default both);
- ``BENCH_PG``: the PostgreSQL server (default ``postgres://postgres@127.0.0.1:5432``);
- ``BENCH_REQUESTS``: timed requests per page (default 20, after two warm-ups);
- ``BENCH_LOAD_SECONDS``: length of the wrk run (default 60; 0 skips it);
- ``BENCH_LOAD_CONNECTIONS``: wrk's connections (default 8);
- ``BENCH_OUT``: where the report goes (default ``bench/RESULTS.md``);
- ``BENCH_REDIS_URL``: the figure cache's Redis (default database 1 of
  ``127.0.0.1:6379`` when it answers; ``none``: no figure cache); pages are then
  measured warm and cold (the cache emptied before each request);
- ``BENCH_REUSE=1``: keep a database already built at that size (a shortcut while
  working on queries; a real run builds each one afresh);
- ``BENCH_KEEP=1``: keep the databases afterwards (default: drop them);
- ``BENCH_DB_PREFIX``: the start of the databases' names (default ``bench``): on a
  shared PostgreSQL server each engineer uses a prefix of their own.

Each (backend, size) gets its own fresh database, ``<prefix>_<backend>_<size>`` (SQLite
files under bench/data/): migrate, load the units and plans, setup_roles,
``generate_demo_data --entries N --seed 1``, ANALYZE (VACUUM ANALYZE on PostgreSQL, as
autovacuum would do). ``bench/measure.py`` then measures it in a separate process; the
load test runs gunicorn (2 workers) and wrk against the largest PostgreSQL database.
Figures are not asserted: the run fails only when something crashes.
"""

import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s]
BACKENDS = [b for b in os.environ.get("BENCH_BACKENDS", "sqlite,postgres").split(",") if b]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "8"))
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "RESULTS.md"))
REUSE = os.environ.get("BENCH_REUSE") == "1"
KEEP = os.environ.get("BENCH_KEEP") == "1"
PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")


def redis_url():
    """The figure cache's Redis for the bench (database 1 of a local server), when one
    answers; ``BENCH_REDIS_URL=none`` measures without the cache."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
    if url == "none":
        return ""
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:
        return ""
    return url


REDIS_URL = redis_url()

BASE_ENV = {
    "REDIS_URL": REDIS_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "AXES_ENABLED": "0",
    "PYTHONUNBUFFERED": "1",
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_name(size):
    return f"{PREFIX}_postgres_{size}"


def sqlite_path(size):
    return DATA / f"{PREFIX}_sqlite_{size}.sqlite3"


def database_url(backend, size):
    if backend == "sqlite":
        return f"sqlite:///{sqlite_path(size)}"
    return f"{PG}/{pg_name(size)}"


def env_for(url, **extra):
    return {**os.environ, **BASE_ENV, "DATABASE_URL": url, **extra}


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def manage(env, *args):
    run([PYTHON, "manage.py", *args], env)


def psql(sql, database="postgres"):
    run(["psql", f"{PG}/{database}", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], os.environ)


def entry_count(backend, size):
    """Entries in an existing bench database, None when there is none."""
    try:
        if backend == "sqlite":
            path = sqlite_path(size)
            if not path.exists():
                return None
            return (
                sqlite3.connect(path)
                .execute("SELECT COUNT(*) FROM targets_progressentry")
                .fetchone()[0]
            )
        out = subprocess.run(
            [
                "psql",
                database_url(backend, size),
                "-tAc",
                "SELECT COUNT(*) FROM targets_progressentry",
            ],
            capture_output=True,
            text=True,
        )
        return int(out.stdout.strip()) if out.returncode == 0 else None
    except (sqlite3.Error, ValueError):
        return None


def build(backend, size):
    url = database_url(backend, size)
    env = env_for(url, DJANGO_DEBUG="1")
    if REUSE and entry_count(backend, size) == size:
        log(f"{backend} {size:,}: reusing the database")
        manage(env, "migrate", "--noinput", "-v0")
        return
    started = time.monotonic()
    drop(backend, size)
    if backend == "postgres":
        psql(f"CREATE DATABASE {pg_name(size)}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "fixtures/units.json", "fixtures/plans.json", "-v0")
    manage(env, "setup_roles", "-v0")
    manage(env, "generate_demo_data", "--entries", str(size), "--seed", "1")
    if backend == "postgres":
        psql("VACUUM ANALYZE", pg_name(size))
    else:
        with sqlite3.connect(sqlite_path(size)) as db:
            db.execute("ANALYZE")
    log(f"{backend} {size:,}: built in {time.monotonic() - started:.0f} s")


def drop(backend, size):
    if backend == "postgres":
        psql(f"DROP DATABASE IF EXISTS {pg_name(size)} WITH (FORCE)")
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path(size)}{suffix}").unlink(missing_ok=True)


def measure(backend, size):
    url = database_url(backend, size)
    load = os.getloadavg()
    out = DATA / f"result_{backend}_{size}.json"
    # The import bench makes its own database: once per backend, at the first size.
    first = "1" if size == SIZES[0] else "0"
    run(
        [PYTHON, "bench/measure.py", str(out), "--requests", str(REQUESTS)],
        env_for(url, BENCH_IMPORT=first),
    )
    result = json.loads(out.read_text())
    memory = DATA / f"result_{backend}_{size}_memory.json"
    run([PYTHON, "bench/measure.py", str(memory), "--part", "csv-memory"], env_for(url))
    result |= json.loads(memory.read_text())
    result["load_at_measure"] = load
    return result


# --- Load: gunicorn + wrk -------------------------------------------------------------

WRK_SCRIPT = """
-- Rotate the requests, each with the session of the person who makes it.
local requests = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local r = requests[(counter %% #requests) + 1]
  return wrk.format("GET", r[1], {["Cookie"] = "sessionid=" .. r[2]})
end
"""


def load_mix(plan, as_of, target):
    """The load test's requests, (path, role): the manager pages of the biggest plan,
    a district's unit page, the admin entry list of a reviewer and of a reporter, the
    review queue and one export (the 2022 plan's target table as CSV)."""
    q = f"plan={plan}&as_of={as_of}"
    return [
        (f"/?{q}", "city viewer"),
        (f"/chi-tieu/?{q}", "city viewer"),
        (f"/{plan}/{target}/?as_of={as_of}", "city viewer"),
        (f"/don-vi/304/?{q}", "city viewer"),
        ("/admin/targets/progressentry/", "city reviewer"),
        ("/admin/targets/progressentry/", "district reporter"),
        ("/admin/targets/progressentry/review/", "district reviewer"),
        ("/chi-tieu/?plan=kh74-2022&as_of=2022-12-31&_export=csv", "city viewer"),
    ]


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookies(env):
    out = DATA / "sessions.json"
    run([PYTHON, "bench/measure.py", str(out), "--part", "sessions"], env)
    return json.loads(out.read_text())["sessions"]


def parse_duration(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def load_test(size, mix):
    """gunicorn (2 workers) on the PostgreSQL database of ``size``; wrk on ``mix``."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"note": "not measured: wrk is not installed"}
    # DEBUG off as in production; the static manifest off (BASE_ENV), so that no
    # collectstatic is needed: wrk asks for the pages only, never their assets.
    env = env_for(database_url("postgres", size), GUNICORN_WORKERS="2")
    cookies = session_cookies(env)
    port = free_port()
    access_log = DATA / "gunicorn_access.log"
    with open(access_log, "w") as log_file:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(port)
            requests = ", ".join(f'{{"{path}", "{cookies[role]}"}}' for path, role in mix)
            script = DATA / "rotate.lua"
            script.write_text(WRK_SCRIPT % requests)
            base = f"http://127.0.0.1:{port}"
            # Warm both workers (connections, caches) before the timed run.
            subprocess.run(
                [
                    wrk,
                    "-t1",
                    "-c2",
                    "-d3s",
                    "-s",
                    str(script),
                    base,
                ],
                capture_output=True,
                timeout=60,
            )
            log_file.truncate(0)
            connections = LOAD_CONNECTIONS
            load_before = os.getloadavg()
            done = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{connections}",
                    f"-d{LOAD_SECONDS}s",
                    "--timeout",
                    "10s",
                    "--latency",
                    "-s",
                    str(script),
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=LOAD_SECONDS + 120,
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    text = done.stdout
    result = {
        "connections": connections,
        "seconds": LOAD_SECONDS,
        "mix": mix,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "raw": text,
    }
    result["requests_per_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    for label, key in (("50%", "p50"), ("99%", "p99")):
        found = re.search(rf"^\s+{re.escape(label)}\s+(\S+)", text, re.M)
        result[key] = parse_duration(found.group(1)) if found else None
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    result["non_2xx_3xx"] = int(non_2xx.group(1)) if non_2xx else 0
    result["socket_errors"] = sum(map(int, sockets.groups())) if sockets else 0
    # wrk counts 3xx as success: a lost session (302 to the login page) must count too.
    statuses = re.findall(r'" (\d{3}) ', access_log.read_text())
    result["not_200"] = sum(1 for s in statuses if s != "200")
    result["logged"] = len(statuses)
    result["errors"] = result["not_200"] + result["socket_errors"]
    return result


def wait_for(port, seconds=60):
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


# --- The machine and the report -------------------------------------------------------


def machine():
    memory = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    pg_version = ""
    if "postgres" in BACKENDS:
        out = subprocess.run(
            ["psql", f"{PG}/postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
        )
        pg_version = out.stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in open("/proc/cpuinfo")
                if "model name" in line
            ),
            platform.processor(),
        ),
        "memory_gib": int(memory) / 2**20,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "load_at_start": os.getloadavg(),
        "redis_url": REDIS_URL,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def main():
    DATA.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "sizes": SIZES, "runs": {}}
    log(f"sizes {SIZES}, backends {BACKENDS}")
    for backend in BACKENDS:
        for size in SIZES:
            build(backend, size)
            log(f"{backend} {size:,}: measuring")
            results["runs"][f"{backend}_{size}"] = measure(backend, size)
            largest_pg = backend == "postgres" and size == max(SIZES)
            if largest_pg and LOAD_SECONDS > 0:
                plan = load_plan(results["runs"][f"{backend}_{size}"])
                target = {"dvc-demo-2025": "TT-HT-X"}.get(plan, "CQS-03c")
                as_of = {"dvc-demo-2025": "2025-06-30"}.get(plan, "2022-12-31")
                mix = load_mix(plan, as_of, target)
                log(f"postgres {size:,}: load test, {LOAD_SECONDS} s of wrk on {mix}")
                results["load"] = load_test(size, mix) | {"size": size}
            if not KEEP:
                drop(backend, size)
    (DATA / "results.json").write_text(json.dumps(results, indent=1, default=str))
    from bench.report import write_report

    write_report(results, OUT)
    log(f"wrote {OUT}")


def load_plan(run_result):
    """The biggest plan measured: the city-scale one when the data holds it."""
    plans = [p["plan"] for p in run_result["pages"]]
    return "dvc-demo-2025" if "dvc-demo-2025" in plans else plans[0]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
