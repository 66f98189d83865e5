"""dbt's unit tests of the marts' formulas, run against the warehouse the end-to-end run built.

Production runs leave them out (assets/transform/dbt_assets.py): they check SQL, not data. dbt needs the
unit-tested models' parents to exist in the warehouse to know their columns, hence after first_run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.end_to_end.conftest import REPO

pytestmark = pytest.mark.e2e
DBT_DIR = REPO / "dbt_project"
# A mart holding one of these computes a formula: it must have unit tests for its edge cases.
FORMULA_MARKERS = ("_pct", "net_sentiment", "_minutes", "_avg", "per_post", "per_day")


def _dbt(args: list[str], target: Path) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    # its own target and log folders: the project's target/manifest.json is the one Dagster loaded
    cmd += ["--target-path", str(target), "--log-path", str(target / "logs")]
    return subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), timeout=900)


@pytest.fixture(scope="module")
def unit_run(pipeline, first_run, tmp_path_factory):
    target = tmp_path_factory.mktemp("dbt_unit")
    proc = _dbt(["test", "--select", "test_type:unit"], target)
    run_results = target / "run_results.json"
    results = json.loads(run_results.read_text()) if run_results.exists() else {}
    manifest = json.loads((target / "manifest.json").read_text())
    return proc, results, manifest


def test_every_dbt_unit_test_passes(unit_run):
    proc, results, _ = unit_run
    statuses = {r["unique_id"]: r["status"] for r in results.get("results", [])}
    failed = sorted(uid for uid, status in statuses.items() if status != "pass")
    assert proc.returncode == 0 and not failed, (
        f"failed: {failed}\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}"
    )
    assert statuses, f"no unit test ran:\n{proc.stdout[-2000:]}"


def test_every_mart_with_a_formula_has_unit_tests(unit_run):
    _, _, manifest = unit_run
    tested = {node["model"] for node in manifest.get("unit_tests", {}).values()}
    untested = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["fqn"][1] != "marts":
            continue
        if any(m in c for c in node["columns"] for m in FORMULA_MARKERS) and node["name"] not in tested:
            untested.append(node["name"])
    assert not untested, f"marts computing formulas without dbt unit tests: {sorted(untested)}"
