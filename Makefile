# Haven: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_ENV := HAVEN_DEBUG=1

.PHONY: run test install install-dev lint format typecheck translations messages e2e bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Haven needs Python 3.11 or newer: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/python -c 'from haven.lib.translations import compile_all; compile_all()'

## make run: install, migrate the SQLite database under var/, load the demo, serve on :8000
run: translations
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	@echo "Haven is starting on http://127.0.0.1:8000/  (Ctrl+C to stop)"
	@# The background worker runs imports and batch jobs; it stops with the server.
	$(RUN_ENV) $(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## make test: the whole suite on SQLite, or on PostgreSQL when DATABASE_URL is set
test: install-dev translations
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

## make messages: add new strings from the code to the Russian and Arabic catalogs
messages: install
	$(BIN)/python manage.py translations update

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	HAVEN_DEBUG=1 $(BIN)/mypy haven

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
