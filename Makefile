# The few commands a newcomer needs. Everything runs inside ./.venv, made on first use from
# the committed lock files, so every machine gets the same versions.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint typecheck format check migrations messages lock clean backup restore bench

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

install: $(BIN)/.installed  ## Create .venv and install the locked dependencies

# Links in e-mail lead to the address the portal is served at (PORTAL_BASE_URL).
run: export PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
run: install  ## Serve the portal with the Malmö 2018 data and demo accounts on SQLite
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_malmo_2018
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like on one machine. Configuration comes from the environment or .env (see
# .env.example and docs/deployment.md): debug is off unless DJANGO_DEBUG says otherwise.
serve: install  ## Production-like: collectstatic, migrate, gunicorn (settings from .env)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-off} $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-off} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-off} $(BIN)/gunicorn --config gunicorn.conf.py

# The system tests (tests/system: gunicorn on PostgreSQL and Redis, one of them restarts
# PostgreSQL) run in a pytest process of their own after the main suite; without PostgreSQL
# and Redis they are skipped with the reason.
test: install  ## Run the whole test suite (DATABASE_URL=postgres://… to use PostgreSQL)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest tests/system

# lint-imports checks the contracts between the apps ([tool.importlinter] in pyproject.toml),
# where there are any.
lint: install  ## Check code style (ruff), types (mypy) and imports between the apps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if [ -f .importlinter ] || grep -q '^\[tool\.importlinter\]' pyproject.toml; then \
	  echo "$(BIN)/lint-imports"; $(BIN)/lint-imports; fi

typecheck: install  ## Check types with mypy (django-stubs)
	$(BIN)/mypy

format: install  ## Fix code style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install  ## Django's system checks and a check for missing migrations
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

migrations: install  ## Make migrations for model changes (review and name them!)
	$(BIN)/python manage.py makemigrations

messages: install  ## Update the message catalogues and compile them (needs gettext)
	$(BIN)/python manage.py makemessages --locale sv --locale en --no-obsolete --add-location file \
	  --ignore ".venv/*" --ignore "tests/*"
	$(BIN)/python manage.py compilemessages --ignore .venv

lock:  ## Re-pin the dependencies in requirements/ after changing pyproject.toml
	$(PYTHON) -m venv /tmp/malmo-portal-lock
	/tmp/malmo-portal-lock/bin/python -m pip install --quiet pip-tools
	cd requirements && for lock in prod:"" prod-s3:"--extra s3" dev:"--extra dev --extra s3"; do \
	  /tmp/malmo-portal-lock/bin/pip-compile --quiet --generate-hashes --strip-extras \
	    --no-emit-find-links --no-emit-index-url --no-emit-trusted-host \
	    $${lock#*:} -o $${lock%%:*}.txt ../pyproject.toml; done

backup: install  ## Back up the database and uploaded files into backups/ (PORTAL_BACKUP_DIR)
	@$(BIN)/python manage.py backup_info --before-backup
	$(BIN)/python manage.py dbbackup --compress --noinput --verbosity 0
	$(BIN)/python manage.py mediabackup --compress --noinput --verbosity 0
	@$(BIN)/python manage.py backup_info

# Asks before overwriting anything; `make restore CONFIRM=yes` does not (for scripts).
restore: install  ## Restore the newest backup over the database and uploaded files
	@$(BIN)/python manage.py backup_info --before-restore
	@if [ "$(CONFIRM)" != yes ]; then \
	  printf 'Type yes to overwrite them with the backup: '; read -r answer || true; \
	  if [ "$$answer" != yes ]; then echo "Nothing was restored."; exit 1; fi; \
	fi
	$(BIN)/python manage.py dbrestore --noinput --uncompress --verbosity 0
	$(BIN)/python manage.py mediarestore --noinput --uncompress --replace --verbosity 0
	@$(BIN)/python manage.py backup_info --after-restore

# The public pages under gunicorn (cached and uncached), the review queue, the streamed
# export's memory and the queries per page, at city scale and at ten times that, each figure
# with its target (bench/suite.py). Needs wrk and a PostgreSQL server on which it may create
# the databases malmo_bench_1x and malmo_bench_10x (BENCH_POSTGRES_URL); about 30 minutes.
bench: install  ## Benchmarks on PostgreSQL with wrk: pages, review queue, export, queries
	$(BIN)/python bench/suite.py

clean:  ## Remove the virtual environment, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache .mypy_cache .import_linter_cache staticfiles
