# Två kommandon: `make run` (demo) och `make test` (hela testsviten).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := kvalitet.settings

.PHONY: run test install lint check worker worker-pdf beat sweep backup clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 krävs ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installerad: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installerad

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Demon körs på http://127.0.0.1:8000 (Ctrl-C avslutar)."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# Två workers: standardkön (svep, påminnelser, e-post) och PDF-kön, så att en rapport aldrig försenar en påminnelse.
worker: install
	$(BIN)/celery -A kvalitet worker -Q celery -l info

worker-pdf: install
	$(BIN)/celery -A kvalitet worker -Q pdf -l info --concurrency 1 --max-tasks-per-child 20 --max-memory-per-child 1000000

beat: install
	$(BIN)/celery -A kvalitet beat -l info

sweep: install
	$(BIN)/python manage.py bevakningssvep

backup: install
	$(BIN)/python manage.py sakerhetskopia

clean:
	rm -rf $(VENV) staticfiles
