# make run   : create .venv, migrate SQLite, seed the plan, units, demo accounts and
#              2022 demo entries, serve
# make test  : the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
# make serve : production-like: checks, migrate, reference data, collectstatic, then
#              gunicorn on PostgreSQL (DATABASE_URL required), DEBUG off
# make serve-only : one more app server on a database another server prepared
# make messages : refresh locale/{vi,en}/django.po from the code, fill the Vietnamese
#              catalogue, compile the .mo files (commit them; translate new English entries)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages migrate seed run test lint serve serve-only bench bench-smoke clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput

seed: migrate
	DJANGO_DEBUG=1 $(MANAGE) loaddata fixtures/units.json fixtures/plans.json
	DJANGO_DEBUG=1 $(MANAGE) record_reference_history
	DJANGO_DEBUG=1 $(MANAGE) setup_demo
	DJANGO_DEBUG=1 $(MANAGE) seed_demo_entries

run: seed
	@echo ""
	@echo "  Mở / open: http://$(HOST):$(PORT)/"
	@echo ""
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

# DJANGO_DEBUG=0 whatever the environment says; workers from GUNICORN_WORKERS.
serve: install
	DJANGO_DEBUG=0 $(MANAGE) prepare_server
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT)

serve-only: install
	DJANGO_DEBUG=0 $(MANAGE) prepare_server --skip-database
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT)

# Source strings are Vietnamese: new Vietnamese entries get msgstr = msgid; new English
# entries stay empty until translated (tests/test_i18n.py fails until they are).
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests \
	--ignore=test-artifacts --ignore=media
messages: install
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l vi -l en --extension=html,txt,py,svg \
		--add-location=file --no-obsolete --no-wrap $(MAKEMESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(MANAGE) tidy_catalogues
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore=.venv

# Two workers: the machine this project targets has two cores.
PYTEST_ARGS ?= -n 2
# The browser tests (tests/e2e) need Debian's Chromium at /usr/bin/chromium; without it
# they are skipped and the summary says so. Their screenshots: test-artifacts/screenshots/.
test: install
	@test -x /usr/bin/chromium || echo "make test: no Chromium at /usr/bin/chromium: the browser tests will be SKIPPED (apt-get install chromium)"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# make bench       : bench/RESULTS.md from SQLite and PostgreSQL at 10k, 100k and 1M entries
#                    (BENCH_SIZES, BENCH_BACKENDS, BENCH_REQUESTS, BENCH_LOAD_SECONDS: see bench/run.py)
# make bench-smoke : the same harness at 2,000 entries, a 300-row import, a 5-second load test (CI)
bench: install
	$(PY) bench/run.py

bench-smoke: install
	BENCH_SIZES=2000 BENCH_REQUESTS=3 BENCH_LOAD_SECONDS=5 BENCH_IMPORT_ROWS=300 \
		BENCH_OUT=bench/data/RESULTS-smoke.md $(PY) bench/run.py
