# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast system-deps browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed-run

# python-magic needs the system libmagic; the browser tests need Debian's Chromium.
system-deps:
	@bash scripts/system-deps.sh libmagic

browser-deps:
	@bash scripts/system-deps.sh chromium

run: system-deps $(VENV)/.installed-run
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: system-deps browser-deps $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser tests, for a quick loop while editing.
test-fast: system-deps $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

bench: system-deps $(VENV)/.installed-test
	$(BIN)/python bench/photo_check.py

clean:
	rm -rf $(VENV) var .pytest_cache
