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
        "mart_mention_volume": 1,  # brand b's 20 a day is below the volume check's floor of 30
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


def test_a_dip_within_chance_at_low_volume_passes(tmp_path):
    """1 mention against a median of 10 happens by chance over a year of brand-days (two such days in the
    benchmark's year closed the gate): below a median of 30 the volume check does not judge."""
    rows = [r for r in steady(m=(10, 20)) if r[2] != D] + [("a", "a", D, 1, 21), ("a", "b", D, 20, 21)]
    check = run_mart_suites(sov_warehouse(tmp_path / "w.duckdb", rows), EXPECTATIONS, SOV_SUITES, D, D)
    assert check.passed, [r.failures for r in check.results]


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


def care_warehouse(path: Path, rows: list[dict]) -> Path:
    """A warehouse with customer_care.fct_customer_care_daily holding the rows (other columns NULL)."""
    con = duckdb.connect(str(path))
    con.execute("create schema customer_care")
    con.execute(
        "create table customer_care.fct_customer_care_daily (brand_id varchar, platform varchar, date date,"
        " member_comments bigint, answered bigint, response_rate_pct double, mean_response_minutes double,"
        " median_response_minutes double, mean_response_minutes_in_hours double,"
        " median_response_minutes_in_hours double, mean_response_minutes_out_of_hours double,"
        " median_response_minutes_out_of_hours double, mean_response_business_minutes double,"
        " median_response_business_minutes double, sla_hours double, sla_breaches bigint,"
        " unanswered_beyond_sla bigint, open_backlog bigint)"
    )
    for row in rows:
        cols = ", ".join(row)
        con.execute(
            f"insert into customer_care.fct_customer_care_daily ({cols}) values ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    con.close()
    return path


CARE_OK = [
    # a client with an SLA, and a competitor without one (NULL breaches) on a quiet day
    dict(brand_id="a", platform="x", date=D, member_comments=10, answered=8, response_rate_pct=80.0,
         mean_response_minutes=42.0, median_response_minutes=30.0, mean_response_business_minutes=20.0,
         sla_hours=4.0, sla_breaches=3, unanswered_beyond_sla=1, open_backlog=5),
    dict(brand_id="b", platform="x", date=D, member_comments=0, answered=0, open_backlog=0),
]  # fmt: skip


def test_the_customer_care_suite_is_registered_on_its_mart():
    from assets.quality.mart_checks import MART_SUITES

    assert MART_SUITES[("customer_care", "fct_customer_care_daily")] == ("mart_customer_care_daily",)


def test_consistent_customer_care_passes(tmp_path):
    check = run_mart_suites(
        care_warehouse(tmp_path / "w.duckdb", CARE_OK), EXPECTATIONS, ("mart_customer_care_daily",), D, D
    )
    assert check.passed, [r.failures for r in check.results]
    assert check.rows == {"mart_customer_care_daily": 2}


@pytest.mark.parametrize(
    "change, expectation",
    [
        ({"mean_response_minutes": -5.0}, "expect_column_values_to_be_between"),
        ({"median_response_business_minutes": -1.0}, "expect_column_values_to_be_between"),
        ({"response_rate_pct": 120.0}, "expect_column_values_to_be_between"),
        ({"answered": 11}, "expect_column_pair_values_a_to_be_greater_than_b"),
        ({"sla_breaches": 12, "unanswered_beyond_sla": 1}, "expect_column_pair_values_a_to_be_greater_than_b"),
    ],
    ids=["negative_response_time", "negative_business_time", "rate_above_100", "answered_above_comments",
         "breaches_above_comments"],
)  # fmt: skip
def test_inconsistent_customer_care_fails(tmp_path, change, expectation):
    rows = [dict(CARE_OK[0], **change), CARE_OK[1]]
    check = run_mart_suites(
        care_warehouse(tmp_path / "w.duckdb", rows), EXPECTATIONS, ("mart_customer_care_daily",), D, D
    )
    assert not check.passed
    assert {f["expectation"] for f in check.results[0].failures} == {expectation}
