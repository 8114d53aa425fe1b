# Two commands for a new user: `make run` and `make test` (`make test-all` adds the slow tests).
# Both create the virtual environment on first use (pinned by requirements.lock) and reuse it afterwards.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SNAPSHOT ?=

.PHONY: run test test-all lint docs bench clean install lock

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@# The reports execute the notebooks with this venv's kernel, so register it inside the venv.
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (servir-pm)" >/dev/null
	@touch $(STAMP)

# --min-age 0: the first run publishes files generated a moment ago (the scheduled refresh waits
# 120 s by default for files still being copied in).
run: $(STAMP)
	$(BIN)/servir-pm run --min-age 0 $(SNAPSHOT)

# `make test`: lint + every test not marked slow (a few minutes). `make test-all`: every test,
# the slow end-to-end ones too (each builds with dbt, refreshes or renders reports); CI runs this.
# `make test`: lint + the fast tests. The slow end-to-end tests (marked `slow`) run with
# `make test-all`, and under CI (CI=true, set by .ci/run) `make test` runs them too.
TEST_SELECTION := $(if $(filter true 1,$(CI)),,-m "not slow")
# The tests run in TEST_WORKERS processes (pytest-xdist), a whole module per process so that a
# module's fixtures build once; data the session shares is made once for all of them
# (tests/session_data.py). A slow test waits on one dbt build or report render at a time, which
# leaves much of a second core idle: two processes fill a 2-core machine (CI's). TEST_WORKERS=1:
# everything in one process (debugging, --pdb).
TEST_WORKERS ?= 2
TEST_PARALLEL := $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(TEST_PARALLEL) $(TEST_SELECTION)

test-all: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(TEST_PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check .

# The dbt docs site as one offline HTML file (reports/docs/dbt/index.html) and each snapshot's
# great-expectations Data Docs (reports/<snapshot>/data_docs/). Data Docs describe staged snapshots,
# so on a fresh checkout the embedded data is published first (what `make run` does).
docs: $(STAMP)
	@ls $${SERVIR_PM_DATA:-data}/staging/*/positions.parquet >/dev/null 2>&1 || $(BIN)/servir-pm run --min-age 0
	$(BIN)/servir-pm docs

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^servir-pm' > requirements.lock.new && mv requirements.lock.new requirements.lock

clean:
	rm -rf data/staging data/quarantine data/marts/* data/warehouse*.duckdb data/runs.jsonl data/published.json data/.work data/.locks data/logs reports target logs .pytest_cache
