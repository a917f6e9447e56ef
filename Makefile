# folderpers: `make build` builds the example folders, `make test` runs the tests, `make serve`
# starts the live preview.
# All three set everything up first (Debian packages, virtualenv, Python packages), idempotently.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup build test lint serve bench clean import

# the default printing condition's ICC profile (another condition: the build names the command that makes it)
PROFILES := folderpers/prepress/icc/FOGRA39.icc

setup: $(STAMP) $(PROFILES)

$(STAMP): pyproject.toml constraints.txt scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Built from Fogra's characterisation data with colprof, reproducibly (folderpers/prepress/conditions.py).
folderpers/prepress/icc/%.icc: | $(STAMP)
	$(PY) -m folderpers.prepress.conditions $*

build: setup
	$(PY) build.py

test: setup
	$(PY) -m pytest

lint: setup   # types and lint, as CI runs them before the tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

PORT ?= 8000
serve: setup   # live preview on http://127.0.0.1:$(PORT)/, rebuilt on every save
	$(PY) build.py serve --port $(PORT)

# make import SOURCE="oud/knie.docx oud/heup.pdf" [INSTITUTION=westerhaven] [SLUG=knie] [FORCE=1]
import: setup
	@test -n "$(SOURCE)" || { echo 'usage: make import SOURCE="file.docx ..." [INSTITUTION=id] [SLUG=name] [FORCE=1]'; exit 2; }
	$(PY) build.py import $(SOURCE) $(if $(SLUG),--slug $(SLUG)) $(if $(INSTITUTION),--institution $(INSTITUTION)) $(if $(FORCE),--force)

clean:
	rm -rf dist

bench: setup   # make bench SCALE=1: the build core at scale with stand-in writers (bench/scale.py)
	$(PY) bench/$(if $(SCALE),scale,benchmark).py
