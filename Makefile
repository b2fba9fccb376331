# Two commands: `make run` serves the app with demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make` targets are local: development settings (DEBUG, dev key) unless told otherwise.
export DJANGO_DEV ?= 1
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint migrate seed messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q uv

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(UV) pip install -q --python $(PY) -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n auto -q $(PYTEST_ARGS)

# Regenerate, fill (French msgstr = msgid) and compile the catalogues; needs GNU gettext.
messages: install
	PY=$(PY) bin/update-translations

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
