# The two commands a newcomer needs:
#   make demo   set up, load demo data, run web + Celery worker + beat on http://127.0.0.1:8000
#   make test   set up, make sure PostgreSQL and Redis run, run the whole suite against them
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup services lint migrations-check run clean-demo

setup: $(VENV)/.installed

# The dev set (requirements-dev.txt = requirements.txt + test, lint and demo tools):
# what tests and `make demo` (honcho) need. Production installs requirements.txt only.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

demo: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	KEDANG_DEMO=1 PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

services:
	bin/services-up

test: setup services
	bin/test

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-demo:
	rm -rf var/
