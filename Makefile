# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` really starts (PORT=8201 included).
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL

.PHONY: run test test-fast system-deps browser-deps bench clean corpus

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed-run

# axe-core for the accessibility checks in the browser tests (npm registry).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Real photos for the photo corpus (tests/corpus.py) that ship in a PyPI source archive:
# downloaded with their sha256, never installed.
var/corpus/insightface-0.7.3.tar.gz: tests/corpus-pypi.txt | $(BIN)/python
	$(BIN)/pip download --quiet --no-deps --require-hashes -r tests/corpus-pypi.txt -d var/corpus
	touch $@

corpus: var/corpus/insightface-0.7.3.tar.gz

# python-magic needs libmagic, mediapipe's OpenCV needs GL and GLib, WeasyPrint needs
# Pango; the browser tests need Debian's Chromium and npm.
system-deps:
	@bash scripts/system-deps.sh runtime

browser-deps:
	@bash scripts/system-deps.sh browser

# The server and a task worker (photo fixing, e-mail, big exports) side by side; the
# worker is started again if it crashes. Ctrl-C stops both.
run: system-deps $(VENV)/.installed-run
	mkdir -p var/staticfiles
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_signing_key
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	@bash scripts/keep-running.sh $(BIN)/python manage.py worker --no-reload --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process.
test: system-deps browser-deps $(VENV)/.installed-test node_modules/axe-core/axe.min.js corpus
	mkdir -p var/staticfiles
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# Everything but the browser tests, for a quick loop while editing.
test-fast: system-deps $(VENV)/.installed-test node_modules/axe-core/axe.min.js corpus
	mkdir -p var/staticfiles
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

bench: system-deps $(VENV)/.installed-test node_modules/axe-core/axe.min.js corpus
	$(BIN)/python bench/photo_check.py
	$(BIN)/python bench/photo_fix.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
