# Trust Portal: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is the local demo: debug pages, SQLite and a filesystem broker under var/; a
# change reaches the dashboards after 10 seconds rather than a minute.
RUN_ENV := DJANGO_DEBUG=1 DASHBOARD_RECOMPUTE_DELAY=10

.PHONY: run test lint format install install-dev migrate demo clean bench bench-national bench-pages bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

run: demo
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Trust Portal is starting on http://127.0.0.1:$(PORT)/ (web, Celery worker and beat)."
	@echo "Sign in with a demo login above. Press Ctrl+C to stop."
	@echo ""
	$(RUN_ENV) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -p $(PORT)

# Tests: SQLite and an in-memory broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise
# (CI points them at PostgreSQL and Redis). PYTEST_ARGS passes options, e.g. PYTEST_ARGS="-k api".
# TEST_WORKERS: pytest-xdist processes, one a core by default (TEST_WORKERS=0: one process).
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-memory://localhost/} $(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark but the national ones, which build databases of millions of rows (for an hour
# or two, or a quarter of an hour): those are `make bench-national` and `make bench-pages`
# (docs/performance.md); and the load test, which needs PostgreSQL and Redis and the machine to
# itself for a few minutes: `make bench-load`. bench/__init__.py and bench/bench_*.py are
# helpers, not benchmarks.
bench: $(VENV)/.installed-dev
	@for script in bench/*.py; do \
		case "$$script" in \
			bench/__init__.py|bench/bench_*.py|bench/national_scale.py|bench/served_pages.py|bench/load.py) \
				continue;; \
		esac; \
		echo "== $$script"; $(BIN)/python $$script; done

bench-national: $(VENV)/.installed-dev
	$(BIN)/python bench/national_scale.py

# Pages served by gunicorn, timed with wrk (Debian's package) at demo and national scale.
bench-pages: $(VENV)/.installed-dev
	$(BIN)/python bench/served_pages.py

# LOAD_ARGS passes options, e.g. LOAD_ARGS="--users 10 --duration 30".
bench-load: $(VENV)/.installed-dev
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf var/ .pytest_cache/ test-artifacts/
