"""The quality gate, read from Dagster's records rather than from the current run.

A blocking check only stops downstream steps of its own run; a later run does not look back. So the
publication asks the instance for the latest result of every check upstream of it, whichever run made
it, and refuses to publish when any of them failed, was skipped or never ran.

Runs overlap (a backfill while the daily run runs). Another run still in progress plans its checks when it
starts; until its warehouse-writing step (dbt) has started, the warehouse holds none of its data, so its
planned checks say nothing yet and the previous result stands. Once it has rebuilt the warehouse, its
checks' results are what the data needs: they are "pending", and the publication waits for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

PLANNED = AssetCheckExecutionRecordStatus.PLANNED
SUCCEEDED = AssetCheckExecutionRecordStatus.SUCCEEDED
FAILED = AssetCheckExecutionRecordStatus.FAILED


@dataclass(frozen=True)
class CheckState:
    key: dg.AssetCheckKey
    status: str  # passed | failed | warned | not_executed | never_ran | pending
    run_id: str | None
    detail: str = ""

    @property
    def blocks(self) -> bool:
        return self.status not in ("passed", "warned")

    def describe(self) -> str:
        name = f"{self.key.asset_key.to_user_string()}:{self.key.name}"
        where = f" (run {self.run_id[:8]})" if self.run_id else ""
        return f"{name} {self.status}{where}{': ' + self.detail if self.detail else ''}"


def upstream_check_keys(
    asset_graph, asset_key: dg.AssetKey
) -> tuple[set[dg.AssetCheckKey], set[dg.AssetCheckKey]]:
    """(blocking, advisory) checks of every asset upstream of `asset_key`.

    Blocking checks guard the data (GX suites, quarantine share, dbt tests of severity error): each must have
    passed. Advisory ones (freshness, dbt tests of severity warn) are reported with the publication; they
    run beside the flow rather than before it, so a missing result cannot hold publication back.
    """
    ancestors = asset_graph.get_ancestor_asset_keys(asset_key)
    keys = set(asset_graph.get_check_keys_for_assets(ancestors))
    blocking = {k for k in keys if asset_graph.get_check_spec(k).blocking}
    return blocking, keys - blocking


def check_states(
    instance: dg.DagsterInstance,
    check_keys: set[dg.AssetCheckKey],
    current_run_id: str | None = None,
    writer_steps: frozenset[str] = frozenset(),
) -> list[CheckState]:
    """writer_steps: the step keys that write the warehouse (see the module's docstring)."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys))
    other_runs: dict[str, str] = {}  # run id -> "finished" | "before_writing" | "written"
    states = []
    for key in sorted(check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        rec = latest.get(key)
        if rec is not None and rec.status == PLANNED and rec.run_id != current_run_id:
            if rec.run_id not in other_runs:
                other_runs[rec.run_id] = _run_progress(instance, rec.run_id, writer_steps)
            progress = other_runs[rec.run_id]
            if progress == "written":
                states.append(CheckState(key, "pending", rec.run_id, "its run rebuilt the warehouse"))
                continue
            if progress == "before_writing":
                earlier = instance.event_log_storage.get_asset_check_execution_history(
                    key, limit=1, cursor=rec.id, status={SUCCEEDED, FAILED}
                )
                rec = earlier[0] if earlier else None
        if rec is None:
            states.append(CheckState(key, "never_ran", None))
            continue
        if rec.status == PLANNED:
            states.append(CheckState(key, "not_executed", rec.run_id, "planned but no result was recorded"))
            continue
        evaluation = rec.event.asset_check_evaluation if rec.event else None
        if rec.status == SUCCEEDED:
            states.append(CheckState(key, "passed", rec.run_id))
        elif evaluation is not None and evaluation.severity == dg.AssetCheckSeverity.WARN:
            states.append(CheckState(key, "warned", rec.run_id, evaluation.description or ""))
        else:
            states.append(
                CheckState(key, "failed", rec.run_id, (evaluation.description or "") if evaluation else "")
            )
    return states


def _run_progress(instance: dg.DagsterInstance, run_id: str, writer_steps: frozenset[str]) -> str:
    run = instance.get_run_by_id(run_id)
    if run is None or run.is_finished:
        return "finished"
    started = {
        rec.event_log_entry.dagster_event.step_key
        for rec in instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START).records
    }
    return "written" if started & writer_steps else "before_writing"


def waiting_only(states: list[CheckState]) -> bool:
    """Every blocking state is a result still to come from another run: worth waiting for, not a failure."""
    blocking = [s for s in states if s.blocks]
    return bool(blocking) and all(s.status == "pending" for s in blocking)


class GateClosed(dg.Failure):
    """Publication refused: names every check that failed or has no result."""


def require_open_gate(states: list[CheckState]) -> None:
    blocking = [s for s in states if s.blocks]
    if blocking:
        lines = "\n".join(f"  - {s.describe()}" for s in blocking)
        raise GateClosed(
            description=f"quality gate closed: {len(blocking)} of {len(states)} upstream checks did not pass; "
            f"the previous publication stays as it was.\n{lines}",
            metadata={"blocking_checks": [s.describe() for s in blocking]},
        )
