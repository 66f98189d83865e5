"""The Great Expectations suites in expectations/: each builds whole, and each catches what it is for."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assets.quality.gx_runner import load_suite_json, validate_dataframe
from assets.quality.mart_checks import run_mart_suites

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
D = dt.date(2026, 11, 10)


@pytest.mark.parametrize("path", sorted(EXPECTATIONS.glob("*.json")), ids=lambda p: p.stem)
def test_every_suite_builds_with_all_its_expectations(path):
    import great_expectations as gx

    doc = json.loads(path.read_text())
    assert doc["name"] == path.stem and doc["expectations"]
    assert len(gx.ExpectationSuite(**doc).expectations) == len(doc["expectations"])


def test_an_unknown_expectation_is_an_error_not_a_silent_skip():
    doc = {"name": "x", "expectations": [{"type": "expect_nothing_at_all", "kwargs": {}}]}
    with pytest.raises(ValueError, match=r"could not build \['expect_nothing_at_all'\]"):
        validate_dataframe(doc, pd.DataFrame({"a": [1]}))


def sov_warehouse(path: Path, rows: list[tuple]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema competitors")
    con.execute(
        "create table competitors.fct_share_of_voice_daily (group_id varchar, brand_id varchar, platform varchar,"
        " date date, is_client boolean, mentions bigint, group_mentions bigint, share_of_voice_pct double,"
        " reach bigint, group_reach bigint, share_of_voice_reach_pct double, engagements bigint,"
        " group_engagements bigint, share_of_voice_engagement_pct double)"
    )
    for g, b, d, m, total in rows:
        pct = 100.0 * m / total if total else None
        con.execute(
            "insert into competitors.fct_share_of_voice_daily values (?, ?, 'mastodon', ?, ?, ?, ?, ?, 0, 0, null,"
            " 0, 0, null)",
            [g, b, d, g == b, m, total, pct],
        )
    con.close()
    return path


SOV_SUITES = ("mart_share_of_voice_daily", "mart_share_of_voice_totals", "mart_mention_volume")


def steady(days=8, m=(30, 20)):
    return [
        ("a", b, D - dt.timedelta(days=i), n, sum(m))
        for i in range(days)
        for b, n in zip("ab", m, strict=True)
    ]


def test_consistent_share_of_voice_passes(tmp_path):
    check = run_mart_suites(sov_warehouse(tmp_path / "w.duckdb", steady()), EXPECTATIONS, SOV_SUITES, D, D)
    assert check.passed, [r.failures for r in check.results]
    assert check.rows == {
        "mart_share_of_voice_daily": 2,
        "mart_share_of_voice_totals": 1,
        "mart_mention_volume": 2,
    }


def test_shares_that_do_not_make_100_fail(tmp_path):
    rows = [r for r in steady() if r[1] == "a" or r[2] != D]  # brand b's row is lost on day D
    check = run_mart_suites(sov_warehouse(tmp_path / "w.duckdb", rows), EXPECTATIONS, SOV_SUITES, D, D)
    failed = {r.suite: r for r in check.results if not r.success}
    assert not check.passed and "mart_share_of_voice_totals" in failed
    assert failed["mart_share_of_voice_totals"].failures[0]["unexpected_examples"] == ["60.0"]


def test_a_collapse_in_mention_volume_fails(tmp_path):
    rows = [r for r in steady() if r[2] != D] + [("a", "a", D, 2, 22), ("a", "b", D, 20, 22)]
    check = run_mart_suites(sov_warehouse(tmp_path / "w.duckdb", rows), EXPECTATIONS, SOV_SUITES, D, D)
    failed = {r.suite for r in check.results if not r.success}
    assert failed == {"mart_mention_volume"}  # brand a fell from 30 a day to 2


def test_raw_suite_catches_a_timestamp_outside_the_range():
    suite = load_suite_json(EXPECTATIONS, "raw_account_snapshots")
    row = {
        "platform": "mastodon",
        "account_id": "1",
        "brand_id": "b",
        "account_handle": "b",
        "snapshot_date": D,
        "observed_at": pd.Timestamp("2026-11-10T06:00Z"),
        "followers": 5,
        "following": 1,
        "posts_count": 3,
        "ingested_at": pd.Timestamp("2026-11-10T06:00Z"),
    }
    df = pd.DataFrame([row, dict(row, account_id="2", snapshot_date=D + dt.timedelta(days=2), followers=-1)])
    res = validate_dataframe(suite, df, {"range_start": D, "range_end": D})
    assert not res.success
    assert {f["expectation"] for f in res.failures} == {"expect_column_values_to_be_between"}
    assert len(res.failures) == 2  # the date out of range and the negative follower count
