# Two commands that work on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export OMBUDSFLOW_CLOCK_ADJUSTABLE ?= 1
export OMBUDSFLOW_SCHEDULER ?= 1

# On PostgreSQL the DATABASE_URL given is the schema owner's: migrations run as the owner
# (DATABASE_MIGRATION_URL), and the site, the scheduler and the demo connect as APP_ROLE, a role with
# row rights only that `ombudsflow db-role` creates (docs/OPERATIONS.md). Its password, if the server
# asks for one: APP_ROLE_PASSWORD.
APP_ROLE ?= ombudsflow_app
ifneq (,$(findstring postgres,$(DATABASE_URL)))
export DATABASE_MIGRATION_URL ?= $(DATABASE_URL)
APP_DATABASE_URL := $(shell $(PYTHON) -c 'import os, sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); pw = os.environ.get("APP_ROLE_PASSWORD"); who = sys.argv[2] + (":" + u.quote(pw, safe="") if pw else ""); print(u.urlunsplit((p.scheme, who + "@" + p.netloc.rsplit("@", 1)[-1], p.path, p.query, p.fragment)))' '$(DATABASE_URL)' '$(APP_ROLE)')
AS_APP := DATABASE_URL='$(APP_DATABASE_URL)'
ROLE_STEP := $(BIN)/ombudsflow db-role $(APP_ROLE) $(if $(APP_ROLE_PASSWORD),--password-env APP_ROLE_PASSWORD,)
else
AS_APP :=
ROLE_STEP := @true
endif

.PHONY: run serve scheduler test soak install install-test frontend db demo lint format bench chromium clean

run: install frontend db demo
	$(AS_APP) $(BIN)/ombudsflow serve --host 127.0.0.1 --port 5000

# Production-like: gunicorn with config/gunicorn.conf.py on DATABASE_URL (PostgreSQL in production;
# the SQLite file when unset). Jobs: `make scheduler` beside it, or SERVE_SCHEDULER=1 in the workers.
serve: install frontend
	$(BIN)/ombudsflow db upgrade
	PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$$(mktemp -d -t ombudsflow-metrics.XXXXXX)} \
	OMBUDSFLOW_SCHEDULER=$${SERVE_SCHEDULER:-0} $(BIN)/gunicorn -c config/gunicorn.conf.py

scheduler: install
	$(BIN)/ombudsflow scheduler

# The suite on every core (pytest-xdist): each test file on one worker, so that a module's fixtures are
# built once. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install-test frontend chromium
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Long runs (bounded in time, loopback only): several hosts under load for longer.
soak: install-test frontend
	OMBUDSFLOW_SOAK=1 $(BIN)/pytest tests/operations $(PYTEST_ARGS)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

# Front-end packages (bpmn-js, dmn-js, the properties panel, bpmnlint, …) come from the npm registry
# through package-lock.json; the process designer's bundles are built from them by esbuild into
# web/static/build/ (git-ignored, never committed).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

DESIGNER_BUILD := web/static/build/designer-bpmn.js
$(DESIGNER_BUILD): node_modules/.package-lock.json frontend/build.mjs frontend/spiffworkflow.json $(wildcard frontend/designer/*.js)
	node frontend/build.mjs
	touch $@

frontend: node_modules/.package-lock.json $(DESIGNER_BUILD)

db: install
	$(BIN)/ombudsflow db upgrade
	$(ROLE_STEP)
	$(AS_APP) $(BIN)/ombudsflow deploy bpmn/

demo: db
	$(AS_APP) $(BIN)/ombudsflow demo load

# Browser tests drive Debian's Chromium; install it when missing and we may (root with apt).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) node_modules web/static/build instance/ombudsflow.sqlite3*
