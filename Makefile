# Två kommandon: `make run` (demo) och `make test` (hela testsviten).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := kvalitet.settings

.PHONY: run test test-snabb install lint check worker worker-pdf beat sweep backup clean lock container-test

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 krävs ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Samma installation överallt: exakta versioner med hashar ur låsfilen, sedan projektet utan beroenden.
$(VENV)/.installerad: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installerad

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Demon körs på http://127.0.0.1:8000 (Ctrl-C avslutar)."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Hela sviten, parallellt i TEST_ARBETARE processer (pytest-xdist; en PostgreSQL- och Redis-databas var).
TEST_ARBETARE ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_ARBETARE) --dist loadfile $(PYTEST_ARGS)

# Utvecklarens snabba väg: utan de långsamma testerna (slow), med testdatabasen kvar mellan körningar.
test-snabb: install
	$(BIN)/python -m pytest -n $(TEST_ARBETARE) --dist loadfile -m "not slow" --reuse-db $(PYTEST_ARGS)

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

# Skriver om låsfilerna ur pyproject.toml (intervallen står där): requirements.lock för avbilden,
# requirements-dev.lock (med dev) för CI och make install. Kör efter varje ändrat beroende.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --quiet --custom-compile-command "make lock"
lock: | $(BIN)/python
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet 'uv>=0.4,<1'
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

# Bygger avbilden och kör migrate, web, worker, worker-pdf och beat i podman mot PostgreSQL och Redis
# på den här maskinen (kräver root; se .ci/container-test).
container-test:
	.ci/container-test

clean:
	rm -rf $(VENV) staticfiles
