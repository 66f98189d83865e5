"""Backfills: a 31-day range twice (history_run, then again here: identical marts, the second time re-derived
from the landing zone), and a campaign audit (a backfill as one run) overlapping the daily run: both succeed,
the warehouse's single writer respected.

These run after the history run AND after every other test that uses it (RUN_LAST, sorted last by conftest):
the campaign audit widens the lake (the UTC day before its pre-period, the day before NOW), which the other
history tests' expectations do not include.
"""

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from tests.end_to_end.conftest import HISTORY_FIRST, LAST, NOW, REPO

# Run alone, the first test here also pays for the session's first and history runs (~10 minutes).
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(2400)]
RUN_LAST = True
POOL = "warehouse_writer"


def requests_served(pipeline) -> dict[str, int]:
    """platform -> HTTP requests its sandbox server has answered so far (the server's own counter)."""
    return {p: s._httpd.RequestHandlerClass.counter[0] for p, s in pipeline.servers.items()}


def raw_materializations(result) -> dict[str, dict]:
    """'platform/entity' -> the metadata of the run's materialization of raw/<platform>/<entity> (one step over
    the range reports one materialization per day, all with the step's metadata), and "partitions": how many."""
    out: dict[str, dict] = {}
    for ev in result.get_asset_materialization_events():
        mat = ev.event_specific_data.materialization
        path = mat.asset_key.path
        if path[0] == "raw" and path[1] != "reference":
            key = "/".join(path[1:])
            meta = out.setdefault(key, {k: v.value for k, v in mat.metadata.items()} | {"partitions": set()})
            meta["partitions"].add(mat.partition)
    return out


def run_seconds(pipeline, run_id: str) -> float:
    stats = pipeline.instance.get_run_stats(run_id)
    return stats.end_time - stats.start_time


def test_a_31_day_backfill_twice_gives_identical_marts_rederived_without_calling_the_apis(
    pipeline, history_run
):
    # The first time is history_run itself: the same 31 days (most of them fetched from the APIs then).
    start, end = HISTORY_FIRST, LAST
    assert (end - start).days + 1 == 31
    first = history_run
    assert first.dagster_run.tags["dagster/asset_partition_range_start"] == str(start)
    assert first.dagster_run.tags["dagster/asset_partition_range_end"] == str(end)
    once = pipeline.published_tables()

    served = requests_served(pipeline)
    second = pipeline.run(start, end)
    assert second.success, [e.message for e in second.all_events if e.is_failure]
    calls = {p: n - served[p] for p, n in requests_served(pipeline).items()}
    twice = pipeline.published_tables()

    assert twice.keys() == once.keys()
    for mart in once:
        assert twice[mart] == once[mart], mart
    assert sum(len(rows) for rows in once.values()) > 1000

    # one run: each raw asset is ONE step over the 31 days, dbt one step over the range
    raw = raw_materializations(second)
    assert len(raw) == 4 * len(pipeline.worlds)
    steps = [e.step_key for e in second.all_events if e.event_type_value == "STEP_START"]
    assert "social_dbt_models" in steps and len(steps) == len(set(steps))
    for key, meta in raw.items():
        assert meta["days"] == len(meta["partitions"]) == 31, key
        # every landed day re-derived from the landing zone; no page asked of the API
        assert meta["pages_from_api"] == 0, key
        assert meta["days_rederived_from_landing"] == 31 - len(meta["days_out_of_reach"]), key
        # only X's recent search cannot reach back, so its oldest comments and mentions were never landed
        if meta["days_out_of_reach"]:
            assert key in ("x/comments", "x/mentions"), (key, meta["days_out_of_reach"])
    # The sandboxes answered no request, except X's: for the days its 7-day search cannot reach and that
    # were never landed, the connector asks X's clock (one account look-up) before giving up on them.
    assert {p: n for p, n in calls.items() if p != "x"} == dict.fromkeys(set(calls) - {"x"}, 0)
    x_brands = len(pipeline.worlds["x"].config.accounts_on("x"))
    assert calls["x"] == sum(raw[k]["http_requests"] for k in ("x/comments", "x/mentions")) <= 2 * x_brands
    print(
        f"\n31-day backfill: {run_seconds(pipeline, first.run_id):.0f} s, then again from the landing zone "
        f"in {run_seconds(pipeline, second.run_id):.0f} s; requests to the sandboxes the second time: {calls}"
    )


def _intervals(instance, run_id: str, step_keys: set[str]) -> list[tuple[float, float, str]]:
    """(start, end, step) of each of the run's steps in step_keys, from the run's event log."""
    started, out = {}, []
    for rec in instance.all_logs(run_id):
        ev = rec.dagster_event
        if ev is None or ev.step_key not in step_keys:
            continue
        if ev.event_type_value == "STEP_START":
            started[ev.step_key] = rec.timestamp
        elif ev.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            out.append((started.pop(ev.step_key), rec.timestamp, ev.step_key))
    return out


def test_a_campaign_audit_overlapping_the_daily_run_both_succeed_one_warehouse_writer_at_a_time(
    pipeline, history_run, capsys
):
    """The campaign audit job (a backfill of its periods as one run, as the UI launches it) while the daily run
    runs in another process, as the schedule would start it: both succeed, and the steps that write the
    warehouse (pool warehouse_writer) never run at the same time across the two; then the audit's rows."""
    from dagster import DagsterRunStatus, RunsFilter

    from orchestration import campaign_audit

    # an unknown name fails before any run, naming the configured campaigns
    assert campaign_audit.main(["autumn_blend"]) == 2
    assert "autumn_blend_2026, winter_ride_2026" in capsys.readouterr().err

    job = pipeline.defs.resolve_job_def("social_daily")
    pooled = {n.name for n in job.graph.node_dict.values() if getattr(n.definition, "pool", None) == POOL}
    assert {"social_dbt_models", "published__warehouse"} <= pooled
    runs_before = {r.dagster_run.run_id for r in pipeline.instance.get_run_records()}

    # The daily run in its own process: the same instance (DAGSTER_HOME), lake and warehouse
    # (SOCIAL_DATA_DIR), the same sandboxes (this session's environment); what the schedule does: the last
    # three days, posts re-fetched from the API. Its days lie inside the audit's range: both write them.
    daily = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.run",
            "--start",
            "2026-11-16",
            "--end",
            str(LAST),
            "--refetch",
            "posts",
        ],
        cwd=REPO,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        audit_job = pipeline.defs.resolve_job_def("campaign_audit")
        result = audit_job.execute_in_process(
            instance=pipeline.instance,
            run_config={"ops": {"audit_campaign": {"config": {"campaign": "autumn_blend_2026"}}}},
            raise_on_error=False,
        )
    finally:
        output = daily.communicate(timeout=900)[0]
    assert daily.returncode == 0, f"the daily run failed:\n{output[-4000:]}"
    assert "database is locked" not in output
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    meta = {
        k: v.value
        for ev in result.all_events
        if ev.event_type_value == "STEP_OUTPUT"
        for k, v in ev.event_specific_data.metadata.items()
    }
    run_ids = {
        "daily": re.search(r"social_daily \S+: run (\S+) succeeded", output).group(1),
        "audit": meta["backfill_run_id"],
    }

    records = pipeline.instance.get_run_records(RunsFilter(run_ids=list(run_ids.values())))
    assert {r.dagster_run.status for r in records} == {DagsterRunStatus.SUCCESS}
    # the two runs really overlapped...
    assert max(r.start_time for r in records) < min(r.end_time for r in records)
    # ...and no two steps writing (or reading) the warehouse ran at the same time across them
    windows = sorted(w for rid in run_ids.values() for w in _intervals(pipeline.instance, rid, pooled))
    assert len(windows) == 2 * len(pooled)
    for (_, end_a, step_a), (start_b, _, step_b) in zip(windows, windows[1:], strict=False):
        assert end_a <= start_b, f"{step_a} and {step_b} wrote the warehouse at the same time"
    blocked = sum(
        1
        for rid in run_ids.values()
        for rec in pipeline.instance.all_logs(rid)
        if "blocked by limit for pool" in (rec.user_message or "")
    )
    print(f"\noverlapping runs: {run_ids}; steps that waited for a pool slot: {blocked}")

    # The audit: ONE run of the main job over the UTC days the three periods touch, up to the sandbox's
    # yesterday: local 10-19 00:00 in Paris is 10-18 22:00 UTC; the post-period (11-16..11-29) is capped at 11-19
    yesterday = NOW.date() - dt.timedelta(days=1)
    assert meta["utc_days"] == f"2026-10-18..{yesterday}" and meta["capped_at_last_complete_day"] is True
    new_runs = [
        r
        for r in pipeline.instance.get_run_records()
        if r.dagster_run.run_id not in runs_before and r.dagster_run.run_id != run_ids["daily"]
    ]
    assert sorted(r.dagster_run.job_name for r in new_runs) == ["campaign_audit", "social_daily"]
    backfill = pipeline.instance.get_run_records(RunsFilter(run_ids=[run_ids["audit"]]))[0].dagster_run
    assert backfill.tags["dagster/asset_partition_range_start"] == "2026-10-18"
    assert backfill.tags["dagster/asset_partition_range_end"] == str(yesterday)
    assert backfill.tags["social/campaign_audit"] == "autumn_blend_2026"

    # the audit rows in the published mart: brewbean and its competitors, every platform, three periods
    with pipeline.published() as con:
        rows = con.execute(
            "select brand_id, platform, period, days_in_period, days_with_data, mentions "
            "from campaigns.fct_campaign_audit where campaign_name = 'autumn_blend_2026'"
        ).fetchall()
    assert meta["rows"] == len(rows) == 3 * 3 * len(pipeline.worlds)
    got = {(b, p, period): (n, seen, m) for b, p, period, n, seen, m in rows}
    for platform in pipeline.worlds:
        pre, post = got["brewbean", platform, "pre"], got["brewbean", platform, "post"]
        assert pre[0] == post[0] == 14
        assert post[1] == 4  # local 11-16..11-19 have data: the post-period so far, honestly partial
        if platform != "x":  # X's 7-day search never reached the pre-period
            assert pre[1] == 14 and pre[2] > 0
    assert "brewbean" in meta["audit"] and meta["dashboard_0"].endswith(".html")
