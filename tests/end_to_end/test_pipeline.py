"""The whole flow on the sandbox: ingest over HTTP -> raw Parquet -> dbt marts -> gate -> publication -> dashboard."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest

from sandbox import ground_truth
from tests.end_to_end.conftest import FIRST, LAST

pytestmark = pytest.mark.e2e
MARTS = (
    "community.fct_channel_daily",
    "audience.fct_followers_daily",
    "competitors.fct_share_of_voice_daily",
)


def truth(pipeline, metric: str) -> dict[tuple, float]:
    """(platform, brand, day) -> the sandbox's ground truth for the metric, over every platform's world."""
    return {
        (r["platform"], r["brand_id"], r["day"]): r["value"]
        for world in pipeline.worlds.values()
        for r in ground_truth(world, FIRST, LAST)
        if r["metric"] == metric
    }


def observable_mentions(pipeline) -> Counter:
    """(platform, brand, day) -> mentions an API can find: every top-level post naming the brand, except on
    Facebook, whose Graph API has no search and shows only the posts that tag a tracked Page."""
    found = Counter()
    for platform, world in pipeline.worlds.items():
        pages = {a.id for a in world.brand_accounts.values()}
        day = FIRST
        while day <= LAST:
            for st in world.statuses_on(day):
                if st.parent is None and (platform != "facebook" or any(a.id in pages for a in st.mentions)):
                    found.update((platform, b, day.isoformat()) for b in st.named)
            day += dt.timedelta(days=1)
    return found


def test_posts_per_brand_platform_and_day_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    got = {
        (p, b, d.isoformat()): n
        for p, b, d, n in con.execute(
            "select platform, brand_id, date, sum(posts) from community.fct_channel_daily group by all"
        ).fetchall()
    }
    expected = truth(pipeline, "posts")
    assert {p for p, _, _ in got} == set(pipeline.worlds)  # all six platforms made it to the mart
    assert sum(expected.values()) > 100
    assert got == {k: expected.get(k, 0) for k in got}
    assert {k for k, v in expected.items() if v} <= set(got)


def test_comments_under_brand_posts_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    got = {
        (p, b, d.isoformat()): (m, r)
        for p, b, d, m, r in con.execute(
            "select platform, brand_id, date, sum(comments_received), sum(brand_replies) "
            "from community.fct_channel_daily group by all"
        ).fetchall()
    }
    members, brand = truth(pipeline, "comments_from_members"), truth(pipeline, "comments_from_brand")
    assert sum(members.values()) > 500
    for key, (m, r) in got.items():
        assert (m, r) == (members.get(key, 0), brand.get(key, 0)), key


def test_mentions_and_share_of_voice_equal_the_ground_truth(pipeline, first_run):
    con = pipeline.published()
    rows = con.execute(
        "select platform, group_id, brand_id, date, mentions, group_mentions, share_of_voice_pct "
        "from competitors.fct_share_of_voice_daily"
    ).fetchall()
    observable, said = observable_mentions(pipeline), truth(pipeline, "mentions")
    assert {k: v for k, v in observable.items() if k[0] != "facebook"} == {
        k: v for k, v in said.items() if v and k[0] != "facebook"
    }  # everywhere but Facebook, every mention is observable
    groups = pipeline.worlds["mastodon"].config.competitive_groups()
    assert len(rows) == sum(len(m) for m in groups.values()) * 3 * len(pipeline.worlds)
    for p, g, b, d, n, total, pct in rows:
        day = d.isoformat()
        assert n == observable[(p, b, day)], (p, g, b, d)
        expected_total = sum(observable[(p, m, day)] for m in groups[g])
        assert total == expected_total, (p, g, d)
        assert pct == (pytest.approx(100.0 * n / total, abs=1e-9) if total else None), (p, g, b, d)
    sov_said = {
        (r["platform"], r["group_id"], r["brand_id"], r["day"]): r["value"]
        for world in pipeline.worlds.values()
        for r in ground_truth(world, FIRST, LAST)
        if r["metric"] == "share_of_voice"
    }
    for (
        p,
        g,
        b,
        d,
        _,
        _,
        pct,
    ) in rows:  # the sandbox's own share-of-voice figures agree where all is observable
        if p != "facebook":
            want = sov_said[(p, g, b, d.isoformat())]
            assert pct == (None if want is None else pytest.approx(want, abs=1e-9)), (p, g, b, d)


def test_the_published_warehouse_holds_the_marts_and_the_gate_status(pipeline, first_run):
    con = pipeline.published()
    for mart in MARTS[::2]:
        assert con.execute(f"select count(*) from {mart}").fetchone()[0] > 0, mart
    con.execute(f"select count(*) from {MARTS[1]}")  # followers: present (rows only once snapshots exist)
    status, checks = con.execute("select gate_status, checks_passed from _publication").fetchone()
    assert status == "passed" and checks > 20
    # one Parquet file per published mart table (every mart: tests/end_to_end/test_published_marts.py)
    parquet = sorted(p.name for p in (pipeline.settings.publish_dir / "current" / "parquet").iterdir())
    tables = con.execute("select schema_name, table_name from duckdb_tables() where schema_name <> 'main'")
    assert parquet == sorted(f"{s}__{t}.parquet" for s, t in tables.fetchall())
    assert set(MARTS) <= {p.removesuffix(".parquet").replace("__", ".") for p in parquet}


def test_the_dashboard_shows_the_published_headline_numbers(pipeline, first_run):
    # The pages in a real browser, every figure against the marts: tests/end_to_end/test_dashboards.py
    page = (pipeline.settings.publish_dir / "dashboards" / "community.html").read_text()
    # opens offline: plotly.js is embedded, no script or stylesheet is fetched from elsewhere
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?://""", page)
    assert "Plotly.react" in page and len(page) > 1_000_000
    con = pipeline.published()
    version = con.execute("select version from _publication").fetchone()[0]
    assert version in page
    embedded = re.search(r'<script type="application/json" id="dash-data">(.*?)</script>', page, re.S)
    channel = json.loads(embedded.group(1))["data"]["channel"]
    at = {c: i for i, c in enumerate(channel["columns"])}
    for brand, posts in con.execute(
        "select brand_id, sum(posts) from community.fct_channel_daily group by 1"
    ).fetchall():
        assert sum(r[at["posts"]] or 0 for r in channel["rows"] if r[at["brand_id"]] == brand) == posts, brand


def test_a_day_run_again_alone_is_rederived_without_calling_the_api_into_identical_marts(pipeline, first_run):
    """first_run covered FIRST..LAST; its last day again, alone: re-derived from the landing zone, republished
    (a new publication, the gate passed), every published table row for row as before (a 31-day backfill run
    twice: tests/end_to_end/test_backfills.py)."""
    before = pipeline.published_tables()
    with pipeline.published() as con:
        version = con.execute("select version from _publication").fetchone()[0]
    assert len(before) >= 10 and sum(len(rows) for rows in before.values()) > 1000
    result = pipeline.run(LAST, LAST)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    for mat in result.asset_materializations_for_node("raw__mastodon__posts"):
        assert mat.metadata["pages_from_api"].value == 0
        assert mat.metadata["days_rederived_from_landing"].value == 1
    with pipeline.published() as con:
        status, republished = con.execute("select gate_status, version from _publication").fetchone()
    assert status == "passed" and republished != version
    after = pipeline.published_tables()
    assert after.keys() == before.keys()
    changed = [t for t in before if after[t] != before[t]]
    assert changed == [], changed


def published_files(settings) -> dict[str, str]:
    """Every file people read (the current publication and the dashboards), by path, with its SHA-256."""
    import hashlib

    roots = [(settings.publish_dir / "current").resolve(), settings.publish_dir / "dashboards"]
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_corrupted_partition_blocks_publication_in_its_run_and_in_later_ones(pipeline, first_run):
    import pyarrow.parquet as pq

    from assets.ingest.lake import Lake
    from assets.publish.dagster_assets import COMMUNITY_OVERVIEW, PUBLISHED_WAREHOUSE
    from sandbox import FaultConfig

    settings = pipeline.settings
    before = published_files(settings)
    assert before
    day = dt.date(2026, 11, 17)
    refetch = {"social/refetch": "true"}

    # 1. the platform starts sending broken records; the day is fetched again and its check blocks the run
    pipeline.servers["mastodon"].api.faults = FaultConfig(seed=7, malformed_records=0.3)
    try:
        bad = pipeline.run(day, day, tags=refetch)
    finally:
        pipeline.servers["mastodon"].api.faults = FaultConfig()
    assert not bad.success
    checks = {(e.asset_key.to_user_string(), e.check_name): e for e in bad.get_asset_check_evaluations()}
    quarantine = checks[("raw/mastodon/posts", "quarantine_share")]
    assert quarantine.passed is False and "2026-11-17:" in quarantine.description
    meta = {k: v.value for k, v in quarantine.metadata.items()}
    assert meta["quarantined"] > 0 and meta["reconciles"] is True
    assert meta["received"] == meta["written"] + meta["quarantined"] + meta["duplicates_collapsed"]
    lake = Lake(settings.lake_url)
    raw = pq.read_table(lake.path("raw/mastodon/posts/dt=2026-11-17/part-0.parquet"))
    quarantined = pq.read_table(lake.path("quarantine/mastodon/posts/dt=2026-11-17/part-0.parquet"))
    assert (raw.num_rows, quarantined.num_rows) == (meta["written"], meta["quarantined"])
    assert set(quarantined.column("reason").to_pylist()) == {
        "ValueError: Invalid isoformat string: 'not a timestamp'"
    }
    assert "published__warehouse" not in [e.step_key for e in bad.all_events if e.is_step_success]
    assert published_files(settings) == before  # byte for byte

    # 2. a later run that only publishes looks back at the latest results and refuses, naming the check
    later = pipeline.run_unpartitioned([PUBLISHED_WAREHOUSE, COMMUNITY_OVERVIEW])
    assert not later.success
    failure = next(e for e in later.all_events if e.is_step_failure)
    message = str(failure.event_specific_data.error)
    assert "quality gate closed" in message
    assert "raw/mastodon/posts:quarantine_share failed" in message and "2026-11-17: " in message
    assert published_files(settings) == before

    # 3. the fault gone, the day re-run: the gate opens and a new publication replaces the old one
    fixed = pipeline.run(day, day, tags=refetch)
    assert fixed.success
    assert "published__warehouse" in [e.step_key for e in fixed.all_events if e.is_step_success]
    assert published_files(settings) != before


def test_a_partition_range_is_one_dbt_build_and_one_step_per_raw_entity(pipeline, first_run):
    steps = [e.step_key for e in first_run.all_events if e.is_step_success]
    assert steps.count("social_dbt_models") == 1
    assert steps.count("raw__mastodon__posts") == 1  # three days, one step: Dagster's start-up paid once
    commands = [
        e.message
        for e in pipeline.instance.all_logs(first_run.run_id)
        if e.message and e.message.startswith("Running dbt command")
    ]
    assert len(commands) == 1
    assert '--vars {"start_date": "2026-11-16", "end_date": "2026-11-18"}' in commands[0]
    marts = first_run.asset_materializations_for_node("social_dbt_models")
    partitions = {m.partition for m in marts if m.asset_key.path[-1] == "fct_share_of_voice_daily"}
    assert partitions == {"2026-11-16", "2026-11-17", "2026-11-18"}


def test_mart_suites_and_freshness_run_on_the_days_of_the_run(pipeline, first_run):
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e for e in first_run.get_asset_check_evaluations()
    }
    for mart in (
        "community/fct_channel_daily",
        "audience/fct_followers_daily",
        "competitors/fct_share_of_voice_daily",
    ):
        e = evaluations[(f"warehouse/{mart}", "gx_suite")]
        assert e.passed, e.metadata
        assert e.metadata["range"].value == "2026-11-16..2026-11-18"
        rows = sum(e.metadata["rows"].value.values())
        # no follower snapshot for these days: the sandbox clock says the 20th, two days later
        assert (e.metadata["expectations_evaluated"].value > 0) == (rows > 0) == ("followers" not in mart)
    sov = evaluations[("warehouse/competitors/fct_share_of_voice_daily", "gx_suite")].metadata["rows"].value
    observable = observable_mentions(pipeline)
    groups = pipeline.worlds["mastodon"].config.competitive_groups()
    mentioned = {
        (p, g, day)
        for (p, b, day), n in observable.items()
        for g, members in groups.items()
        if n and b in members
    }
    assert (
        sov["mart_share_of_voice_totals"] == len(mentioned) > 30
    )  # every group, platform, day summing to 100
    fresh = evaluations[("raw/mastodon/mentions", "freshness")]
    assert fresh.passed and 6 < fresh.metadata["age_hours"].value < 48  # newest mention: late on the 18th
