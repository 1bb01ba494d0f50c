# Two commands do everything: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The address e-mails link to: the one `make run` serves, unless the environment gives another.
HEALTORTURE_SITE_URL ?= http://127.0.0.1:$(PORT)
WORKERS ?= 3
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint format db-start db-stop psql demo bench bench-share relevance lock clean backup

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned requirements change.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(STAMP)  ## Create .venv and install the pinned dependencies

db-start: install  ## Start the embedded PostgreSQL (unless DATABASE_URL is set)
	$(BIN)/python manage.py embedded_db start

db-stop: install  ## Stop the embedded PostgreSQL
	$(BIN)/python manage.py embedded_db stop

backup: install  ## Back up the whole database to var/backups/ (restore: manage.py restore FILE)
	$(BIN)/python manage.py backup

psql: install  ## Open psql on the application database
	$(BIN)/python manage.py embedded_db psql

run: install  ## Set up everything and serve the site on http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo
	@echo "  HealTorture is at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  E-mails link to $(HEALTORTURE_SITE_URL) (HEALTORTURE_SITE_URL)."
	@echo "  Create an admin account: $(BIN)/python manage.py createsuperuser"
	@echo "  Stop with Ctrl-C; the database keeps running (make db-stop stops it)."
	@echo
	@# --timeout 120: an admin import of 10,000 rows takes up to a minute a step on a busy machine.
	HEALTORTURE_SITE_URL='$(HEALTORTURE_SITE_URL)' $(BIN)/gunicorn healtorture.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--timeout 120 --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install  ## Run the whole test suite (needs nothing else)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

relevance: install  ## Print search quality: MRR of the judgment set, by class of query
	$(BIN)/python -m pytest tests/test_relevance.py -q -s -p no:cacheprovider

bench: install  ## Time the search page with 10,000 and 100,000 resources (takes a few minutes)
	$(BIN)/python bench/run.py

bench-share: install  ## Concurrent visitors sending the share form: errors, throughput, exactly-once
	$(BIN)/python bench/share.py

lint: install  ## ruff check and format check, and the import layers (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install  ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: | $(BIN)/python  ## Re-resolve pyproject.toml's dependencies into requirements.txt
	$(BIN)/python -m pip install --quiet --upgrade --upgrade-strategy eager '.[dev]'
	$(BIN)/python -m pip uninstall --quiet --yes healtorture
	$(BIN)/python -m pip freeze --exclude-editable > requirements.txt

clean:  ## Remove the virtual environment (keeps var/: the database and uploads)
	rm -rf $(VENV)
