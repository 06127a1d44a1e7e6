# The two commands a newcomer needs: `make run` and `make test`.
# Everything they depend on is installed here, into .venv, from PyPI.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test e2e lint format check i18n bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list or the pins change.
$(STAMP): $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet -c requirements.lock '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Set up and serve the demo: migrate, seed, then web + Celery worker + beat.
# Without DATABASE_URL/REDIS_URL it uses SQLite and a file-system broker in var/.
# DEBUG stays off (set DEBUG=true yourself for tracebacks): users see the project's
# own error pages, and static files are served by WhiteNoise as in production.
# A local run: plain HTTP on loopback and the development key (config/settings.py, LOCAL_RUN).
run bench check i18n: export LOCAL_RUN ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (demo accounts: see README)"
	@HOST=$(HOST) PORT=$(PORT) VENV=$(VENV) scripts/serve.sh

# In parallel, one worker per core; a test file stays on one worker (module fixtures).
test: install
	$(VENV)/bin/pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Slow tests with real processes (make run's supervisor, a Celery worker) and a real browser.
e2e: install
	scripts/ensure_chromium.sh
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Refresh the message catalogues after changing user-facing strings
# (needs GNU gettext; the compiled .mo files are committed).
# Each app keeps its own catalogue in <app>/locale; config/ and templates/ use locale/.
APPS := institutions inspections duty_roster relief notifications daily_reports dashboards \
	exports imports accounts audit preparedness epidemic accountability
i18n: install
	$(PY) manage.py makemessages --locale zh_Hans --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' $(foreach app,$(APPS),--ignore '$(app)/*')
	for app in $(APPS); do (cd $$app && ../$(VENV)/bin/django-admin makemessages --locale zh_Hans --locale en --no-obsolete); done
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache

# Every page as three roles, and the Celery scans, at 1× and 10× a county's data (PostgreSQL;
# BENCH_ARGS="--huge" adds 100×); fails if a page answers other than 200. Then the
# 100,000-row ledger export and the 10,000-people import, each beside its floors measured
# in the same run; then 50 clerks submitting inspections and 10 officers for 60 s (load test). README, "Benchmarks".
bench: install
	$(PY) -u scripts/bench.py $(BENCH_ARGS)
	$(PY) -u scripts/bench_exports.py
	$(PY) -u scripts/bench_imports.py
	$(PY) -u scripts/bench_load.py
