# Canting: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test venv check lint format schema clean bench bench-load

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Canting needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a pinned requirement changes.
$(STAMP): requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements/dev.txt
	$(BIN)/python -m pip check
	@touch $@

venv: $(STAMP)

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Canting: http://127.0.0.1:$(PORT)/  (API http://127.0.0.1:$(PORT)/api/v1/, docs /api/docs/)  Ctrl-C stops all."
	PATH="$(CURDIR)/$(BIN):$$PATH" CANTING_PORT=$(PORT) $(BIN)/honcho --procfile Procfile.dev start

# Static checks first (fast), then the whole suite.
check: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-$$RANDOM-$$RANDOM-$$RANDOM-0123456789abcdefghijklmnopqrstuvwxyz \
		DJANGO_ALLOWED_HOSTS=canting.example $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py spectacular --fail-on-warn --validate --file /dev/null
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

test: check
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(BIN)/python -m bench.run

# Browsing, booking, confirming and cancelling at once, with a Celery worker (docs/benchmarks.md).
bench-load: venv
	$(BIN)/python -m bench.mixed

clean:
	rm -rf $(VENV) var/
