"""The local instance's event log (orchestration/event_log_storage.py) on a real Dagster instance made from
orchestration/dagster.yaml: a range run plans each check once, not once per day; one-day runs and the
records the gate reads are as Dagster makes them; runs over a range write one planned event per asset."""

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.event_log_storage import RangeSqliteEventLogStorage
from orchestration.run import execute_range

ROOT = Path(__file__).resolve().parents[2]
DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.asset(partitions_def=DAILY, check_specs=[dg.AssetCheckSpec("sane", asset="counts")])
def counts(context: dg.AssetExecutionContext):
    yield dg.MaterializeResult(metadata={"days": len(context.partition_keys)})
    yield dg.AssetCheckResult(check_name="sane", passed=True)


@dg.asset(partitions_def=DAILY, deps=[counts])
def totals() -> None:
    pass


DEFS = dg.Definitions(assets=[counts, totals], jobs=[dg.define_asset_job("both", [counts, totals])])
CHECK = dg.AssetCheckKey(dg.AssetKey("counts"), "sane")


@pytest.fixture
def instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as inst:
        yield inst


def planned_events(instance, run_id):
    return [
        r.event_log_entry.dagster_event
        for r in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
    ]


def test_the_instance_uses_it_where_dagster_keeps_its_event_log(instance):
    storage = instance.event_log_storage
    assert isinstance(storage, RangeSqliteEventLogStorage)
    assert Path(storage._base_dir) == Path(instance.root_directory) / "history" / "runs"


def test_a_range_run_plans_each_check_once_and_each_asset_once(instance):
    job = DEFS.resolve_job_def("both")
    result = execute_range(job, instance, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert result.success
    history = instance.event_log_storage.get_asset_check_execution_history(CHECK, limit=100)
    # Dagster would store 31 planned rows (one per day) that nothing completes, plus the result's row.
    assert [(r.run_id, r.status.value, r.partition) for r in history] == [
        (result.run_id, "SUCCEEDED", None),
        (result.run_id, "PLANNED", "2026-03-31"),
    ]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key([CHECK])[CHECK]
    assert latest.status.value == "SUCCEEDED" and latest.run_id == result.run_id
    # One planned event per asset naming the range, not one per asset and day (orchestration/run.py).
    planned = planned_events(instance, result.run_id)
    assert len(planned) == 2
    assert all(len(e.event_specific_data.partitions_subset) == 31 for e in planned)
    # The days are materialized all the same.
    assert len(instance.get_materialized_partitions(dg.AssetKey("totals"))) == 31


def test_a_one_day_run_is_stored_as_dagster_stores_it(instance):
    job = DEFS.resolve_job_def("both")
    result = execute_range(job, instance, dt.date(2026, 3, 5), dt.date(2026, 3, 5))
    assert result.success
    history = instance.event_log_storage.get_asset_check_execution_history(CHECK, limit=100)
    assert [(r.status.value, r.partition) for r in history] == [
        ("SUCCEEDED", None),
        ("PLANNED", "2026-03-05"),
    ]
    planned = planned_events(instance, result.run_id)
    assert sorted(
        (e.event_specific_data.partition, e.event_specific_data.partitions_subset) for e in planned
    ) == [
        ("2026-03-05", None),
        ("2026-03-05", None),
    ]


def test_engines_are_kept_and_bounded(instance, monkeypatch):
    import orchestration.event_log_storage as module

    monkeypatch.setattr(module, "ENGINES_KEPT", 2)
    job = DEFS.resolve_job_def("both")
    for day in (1, 2, 3):
        assert execute_range(job, instance, dt.date(2026, 4, day), dt.date(2026, 4, day)).success
    engines = instance.event_log_storage._engines
    assert len(engines) == 2 and "index" in engines
    assert len(instance.get_run_records()) == 3  # every run's events were written and read back
