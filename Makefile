# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3
DEV_ENV := DEBUG=$${DEBUG:-true}
# One test process a core (pytest-xdist); each gets its own test database.
PYTEST_ARGS ?= -n auto

.PHONY: run test bench system-deps test-system-deps venv install install-test migrate specs demo lint clean

run: system-deps install migrate specs demo
	$(DEV_ENV) scripts/run.sh

test: test-system-deps install-test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install-test
	$(VENV)/bin/python -m tests.bench

system-deps:
	@scripts/system-deps.sh run

test-system-deps:
	@scripts/system-deps.sh test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	@$(PIP) install --quiet --disable-pip-version-check -r requirements.txt

install-test: $(PY)
	@$(PIP) install --quiet --disable-pip-version-check -r requirements-test.txt

migrate:
	$(DEV_ENV) $(PY) manage.py migrate --noinput

specs:
	$(DEV_ENV) $(PY) manage.py load_specs

demo:
	@if $(DEV_ENV) $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py seed_demo; fi

lint: install-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf var test-output
