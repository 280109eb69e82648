# TPMO — two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
PIP      := $(VENV)/bin/pip
STAMP    := $(VENV)/.installed
HOST     ?= 127.0.0.1
PORT     ?= 8000
SCALE    ?= small
DEMO_PASSWORD ?= tpmo-demo
export DEMO_PASSWORD

# The first interpreter that is Python >= 3.12: $(PYTHON) if given, then the pyenv
# version named in .python-version, then whatever python3.x is on PATH.
FIND_PYTHON := for c in "$$PYTHON" "$$(pyenv which python 2>/dev/null)" \
	python3.14 python3.13 python3.12 python3; do \
	  [ -n "$$c" ] || continue; \
	  command -v "$$c" >/dev/null 2>&1 || [ -x "$$c" ] || continue; \
	  "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; exit 0; }; \
	done; exit 1

.PHONY: help venv run serve test lint check migrate seed clean bench loadtest

help:
	@echo "make run    set up everything, load the demo portfolio, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up everything, run lint, checks and the whole test suite"

$(STAMP): requirements.txt requirements-dev.txt
	@py=$$($(FIND_PYTHON)) || { echo "error: TPMO needs Python >= 3.12; none found (set PYTHON=/path/to/python3.12+)" >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); "$$py" -m venv $(VENV); }
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo --scale $(SCALE) --if-empty

run: seed
	@echo
	@echo "Demo users (password: $(DEMO_PASSWORD)): admin, director, tpm, viewer"
	@echo "Open http://$(HOST):$(PORT)/"
	@echo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: gunicorn + whitenoise. Needs DEBUG=0, SECRET_KEY, ALLOWED_HOSTS (and
# DATABASE_URL for PostgreSQL) in the environment; see README "Configuration".
serve: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn tpmo.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py check --fail-level WARNING
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest

DB ?= sqlite
BENCH_SCALE ?= $(if $(filter command line,$(origin SCALE)),$(SCALE),medium)

bench: $(STAMP)
	DEBUG=1 $(PY) manage.py bench --scale $(BENCH_SCALE) --db $(DB)

loadtest: $(STAMP)
	@command -v wrk >/dev/null || { echo "error: the load test needs wrk (apt-get install wrk)" >&2; exit 1; }
	DEBUG=1 $(PY) manage.py loadtest --scale $(BENCH_SCALE) --db $(DB)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache staticfiles
