# folderpers: `make build` builds the example folders, `make test` runs the tests, `make serve`
# starts the live preview.
# All three set everything up first (Debian packages, virtualenv, Python packages), idempotently.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup build test lint serve bench clean import

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

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

bench: setup
	$(PY) bench/benchmark.py
