"""Great Expectations 1.x suites (JSON in expectations/) validated against a DataFrame.

GX is imported here, when a check runs, not when the code location loads: it takes seconds to import.
dagster-ge targets GX before 1.0, so GX runs directly inside our asset checks.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@dataclass
class SuiteResult:
    suite: str
    success: bool
    evaluated: int
    failed: int
    failures: list[dict]  # expectation, column, a few unexpected values or the error

    def metadata(self) -> dict:
        return {
            "suite": self.suite,
            "expectations_evaluated": self.evaluated,
            "expectations_failed": self.failed,
            "failures": self.failures,
        }


def load_suite_json(expectations_dir: Path, name: str) -> dict:
    path = expectations_dir / f"{name}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"expectation suite {name!r} not found at {path}") from None
    if doc.get("name") != name:
        raise ValueError(f"{path}: suite name {doc.get('name')!r} does not match the file name {name!r}")
    return doc


def validate_dataframe(suite_doc: dict, df, parameters: dict | None = None) -> SuiteResult:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    suite = gx.ExpectationSuite(
        **{k: v for k, v in suite_doc.items() if k in ("name", "expectations", "meta")}
    )
    if len(suite.expectations) != len(suite_doc["expectations"]):
        # GX logs and drops an expectation it cannot build: a suite must never check less than it says.
        built = {e.expectation_type for e in suite.expectations}
        dropped = sorted({e["type"] for e in suite_doc["expectations"]} - built)
        raise ValueError(f"suite {suite_doc['name']!r}: Great Expectations could not build {dropped}")
    batch = (
        context.data_sources.add_pandas("checked")
        .add_dataframe_asset(suite_doc["name"])
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": df})
    )
    res = batch.validate(suite, expectation_parameters=parameters or {}, result_format="SUMMARY")
    failures = []
    for r in res.results:
        if r.success:
            continue
        cfg = r.expectation_config
        item = {
            "expectation": cfg.type,
            "kwargs": {k: str(v) for k, v in cfg.kwargs.items() if k != "batch_id"},
        }
        if r.exception_info and r.exception_info.get("raised_exception"):
            item["error"] = str(r.exception_info.get("exception_message"))[:300]
        else:
            item["unexpected_count"] = r.result.get("unexpected_count")
            item["unexpected_examples"] = [
                str(v) for v in (r.result.get("partial_unexpected_list") or [])[:5]
            ]
            if "observed_value" in r.result:
                item["observed_value"] = str(r.result["observed_value"])
        failures.append(item)
    stats = res.statistics
    return SuiteResult(
        suite=suite_doc["name"],
        success=bool(res.success),
        evaluated=int(stats["evaluated_expectations"]),
        failed=int(stats["unsuccessful_expectations"]),
        failures=failures,
    )
