# `make run` and `make test` do all the set-up on a fresh machine; see the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A local run is a debug run unless told otherwise; tests flip DEBUG off themselves.
LOCAL_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: install install-dev run test lint bench screenshots

$(VENV)/.app-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.app-installed
	mkdir -p var/mail var/celery/processed var/celery/control
	$(LOCAL_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0
	$(LOCAL_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

install-dev: install $(VENV)/.dev-installed

run: install
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	$(LOCAL_ENV) $(BIN)/python manage.py load_demo_roadmap
	$(LOCAL_ENV) $(BIN)/python manage.py ensure_local_admin --url http://127.0.0.1:$(PORT)/
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the web server, worker and beat)"
	$(LOCAL_ENV) PORT=$(PORT) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start --no-prefix -f Procfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LOCAL_ENV) $(BIN)/mypy

test: lint
	$(LOCAL_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(LOCAL_ENV) $(BIN)/pytest

bench: install-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(LOCAL_ENV) $(BIN)/python tests/benchmarks/run.py

screenshots: install-dev
	$(LOCAL_ENV) $(BIN)/python tests/browser/readme_screenshot.py
