PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# HOST may be a port alone (8011) or address:port; the links in e-mails follow it unless SITE_URL is given.
HOST_ADDR := $(if $(findstring :,$(HOST)),$(HOST),127.0.0.1:$(HOST))
HOST_NAME := $(firstword $(subst :, ,$(HOST_ADDR)))
SITE_URL ?= http://$(HOST_ADDR)
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST_NAME)
RUN_ENV := DEBUG=1 SITE_URL=$(SITE_URL) ALLOWED_HOSTS=$(ALLOWED_HOSTS)

.PHONY: run test lint format install system-deps bench bench-national bench-charge clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

system-deps:
	@bash scripts/system-deps.sh

## make run [HOST=127.0.0.1:8011]: install, migrate, load the demo data, serve on http://$(HOST) (default 127.0.0.1:8000)
run: install system-deps
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST_ADDR)

## make test: lint (ruff) and the whole suite
test: install system-deps lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make bench: the performance benchmark (figures printed)
bench: install system-deps
	$(PY) bench/run.py

## make bench-national: the national-scale benchmark (gunicorn + PostgreSQL + Locust; figures printed)
bench-national: install
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/national.py

## make bench-charge: the load test at the due date (gunicorn 3 workers + PostgreSQL + Locust, 50 users; figures printed)
bench-charge: install
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/charge.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
