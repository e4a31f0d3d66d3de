# Two commands: `make run` serves the demo newsroom, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install install-checkers test test-e2e lint format migrations-check messages clean bench \
	backup-check load

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py runserver 127.0.0.1:8000

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The Nu Html Checker and axe-core come from npm (package-lock.json pins them); without npm
# the tests that need them are skipped, and CI (REQUIRE_CHECKERS=1) fails instead.
CHECKERS := node_modules/.package-lock.json

install-checkers:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(CHECKERS); \
	else echo "npm not found: HTML and accessibility checks will be skipped"; fi

$(CHECKERS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

test: install install-checkers
	$(BIN)/pytest $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

# Page benchmarks (needs PostgreSQL and Redis running, and wrk: `apt-get install wrk`).
# Seeds newsroom_bench_1000 and newsroom_bench_100000 once; writes benchmarks/pages-results.md.
bench: install
	@command -v wrk >/dev/null || { echo "wrk is needed: sudo apt-get install wrk"; exit 1; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; }
	@redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis is not running on 127.0.0.1:6379"; exit 1; }
	$(BIN)/python benchmarks/pages.py $(BENCH_ARGS)

# Load test (PostgreSQL and Redis needed): readers, editors and sources at once on a scratch
# database; fails on any error or lost write; records benchmarks/RESULTS.md (LOAD_ARGS=--help).
load: install
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; }
	@redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis is not running on 127.0.0.1:6379"; exit 1; }
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)

# Backup check: dumps the PostgreSQL database in DATABASE_URL (pg_dump --format=custom) and
# archives MEDIA_ROOT (tar), restores both into scratch copies (database <name>_restore_check,
# dropped afterwards) and compares row counts and file digests; any difference fails. See
# docs/operations.md. BACKUP_CHECK_ARGS="--backup-dir DIR" keeps the backup it made.
backup-check: install
	@case "$$DATABASE_URL" in \
	postgres://*|postgresql://*|pgsql://*|postgis://*) ;; \
	"") echo "DATABASE_URL is not set: backup-check needs PostgreSQL, e.g." \
		"DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make backup-check"; exit 1 ;; \
	*) echo "DATABASE_URL is not a postgres:// URL: backup-check works on PostgreSQL only" \
		"(SQLite: see docs/operations.md)"; exit 1 ;; \
	esac
	$(BIN)/python manage.py backup_check $(BACKUP_CHECK_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages -l es -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
