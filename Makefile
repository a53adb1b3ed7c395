# The two commands of the README: `make run` and `make test`; `make check` runs the static
# checks CI runs before the tests, `make lock` regenerates the hashed lock files and `make messages`
# the translation catalogues (locale/<language>/LC_MESSAGES/django.po).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3
DEV_ENV := DEBUG=$${DEBUG:-true}
# One test process a core (pytest-xdist); each gets its own test database. A process that runs out of tests
# takes some of the other's (worksteal): one long test at the end no longer leaves a core idle.
PYTEST_ARGS ?= -n auto --dist worksteal
# The locks: requirements*.txt, generated from requirements*.in. pip-tools is pinned here,
# outside the lock, as pip is. LOCK_ARGS passes options, e.g. LOCK_ARGS="--upgrade-package django".
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
LOCK_ARGS ?=

.PHONY: run test messages compilemessages check check-migrations check-deploy bench load system-deps test-system-deps venv install install-test lock migrate specs demo lint mypy clean

run: system-deps install compilemessages migrate specs demo
	$(DEV_ENV) scripts/run.sh

test: test-system-deps install-test compilemessages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Lint, types, migrations in step with the models, and Django's deployment checks under
# production settings (DEBUG off, a random SECRET_KEY and AUDIT_HMAC_KEY of this run's own); warnings fail.
check: system-deps install-test lint mypy check-migrations check-deploy

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: install
	env -u DJANGO_ALLOW_ASYNC_UNSAFE -u SECURE_SSL_REDIRECT DEBUG=false ALLOWED_HOSTS=portfolio.example.org \
		SITE_URL=https://portfolio.example.org \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		AUDIT_HMAC_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: install-test
	$(VENV)/bin/python -m tests.bench

# The interface's languages besides English (settings.LANGUAGES). `make messages` collects the marked text of
# the templates and the Python code into each catalogue, keeping its translations; `compilemessages` builds the
# .mo files Django reads (not kept in git), before the server or the tests start.
MESSAGE_LANGUAGES := -l cy -l pl -l tr
MESSAGE_IGNORE := --ignore=.venv --ignore=var --ignore=test-output --ignore=node_modules --ignore=tests

messages: $(PY)
	$(PY) manage.py makemessages $(MESSAGE_LANGUAGES) $(MESSAGE_IGNORE) --no-obsolete --add-location=file

compilemessages: $(PY)
	$(PY) manage.py compilemessages $(MESSAGE_IGNORE)

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

lock: $(PY)
	@$(PIP) install --quiet --disable-pip-version-check $(PIP_TOOLS)
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements-test.txt requirements-test.in

migrate:
	$(DEV_ENV) $(PY) manage.py migrate --noinput

specs:
	$(DEV_ENV) $(PY) manage.py load_specs

demo:
	@if $(DEV_ENV) $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py seed_demo; fi

lint: install-test
	$(VENV)/bin/ruff check .

mypy: install-test
	$(VENV)/bin/mypy

clean:
	rm -rf var test-output

# The load test (scripts/load/run.py): its own PostgreSQL database and Redis database, gunicorn and a Celery worker in
# production mode, Locust headless. LOAD_CANDIDATES, LOAD_USERS and LOAD_SECONDS change the size, people and length.
load: install-test
	$(PY) scripts/load/run.py --candidates $${LOAD_CANDIDATES:-10000} --users $${LOAD_USERS:-50} \
		--seconds $${LOAD_SECONDS:-600}
