# The two commands: `make demo` (set up, run the main job on the sandbox) and `make test` (set up, run all tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.data/dagster_home
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1
DBT_ENV := SOCIAL_LAKE_URL=$(CURDIR)/.data/lake SOCIAL_WAREHOUSE_PATH=$(CURDIR)/.data/state/warehouse/social.duckdb
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml
MANIFEST := dbt_project/target/manifest.json

.PHONY: system-deps setup demo test ui lint clean audit bench bench-quick chaos

setup: system-deps $(VENV)/.installed $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml

# Debian's chromium (the browser tests) and a Java runtime (pyspark, the dbt Spark target's tests); quiet when present.
system-deps:
	@bash scripts/install_system_deps.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# dagster-dbt reads the manifest when the code location loads, so parsing is part of set-up.
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(DBT_ENV) $(BIN)/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp $< $@

demo: setup
	@start=$$(date +%s); \
	$(BIN)/python -m orchestration.run --last-days 30; rc=$$?; \
	echo "demo took $$(( $$(date +%s) - start )) s"; exit $$rc

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Backfills launched from the UI write one planned event per asset, not per asset and day (orchestration/run.py).
ui: setup
	DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=true $(BIN)/dagster dev --host 127.0.0.1 --port $${PORT:-3000} -w workspace.yaml

# Audit a campaign of brands.yaml as one backfill run: make audit CAMPAIGN=autumn_blend_2026 [REFETCH=1]
audit: setup
	$(BIN)/python -m orchestration.campaign_audit $(CAMPAIGN) $(if $(REFETCH),--refetch)

# The chaos run (issue #8): the six sandbox platforms with fault injection on, a multi-day backfill of every
# platform offline (a network namespace with loopback only), measured against the ground truth; it writes
# RELIABILITY.md and fails when a record is lost or duplicated. Minutes long: not part of `make test`.
chaos: setup
	$(BIN)/python -m tests.chaos $(CHAOS_ARGS)

# Benchmarks (issue #9, BENCHMARKS.md): `make bench` runs the standard workload (10 brands x 6 platforms x 365
# days on the sandbox over HTTP; long: not part of `make test`) and writes benchmarks/results.json;
# `make bench-quick` (3 brands x 7 days, a few minutes, CI) writes benchmarks/results-quick.json. Figures are
# printed and written, never asserted; both regenerate BENCHMARKS.md's tables. dlt: the `bench` extra.
$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $@

bench: setup $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks --workload standard

bench-quick: setup $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks --workload quick

lint: setup
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint dbt_project/models

clean:
	rm -rf .data $(VENV) dbt_project/target
