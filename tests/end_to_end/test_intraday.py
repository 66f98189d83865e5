"""Intraday listening against the sandbox with a settable clock: a normal week raises no alert, a bad buzz
started at a chosen minute is alerted within 15 simulated minutes (once, then updated, then closed), live
SLA breaches match the sandbox's ground truth, and intraday polling leaves the daily partitions unchanged.
Each rewrite of the alerts table is reported as a materialization of listening/alerts, and the alerts come
out as one incident in reputation.fct_live_alerts after a dbt build of that mart alone.

Cheap on purpose (no Dagster run; dbt only for the one mart): two platforms, the real sensor evaluated with
the simulated clock, real HTTP to the sandbox and to a webhook receiver on loopback. The expected figures
come from the World (sandbox/), never from the pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
PLATFORMS = ("mastodon", "bluesky")
# Neither platform's World has a natural bad buzz of a client from 11-05 to 11-21 (see is_bad_buzz):
# the trailing week 11-05..11-11 is the baseline, 11-12..11-18 the normal week, the buzz is on 11-19.
BASELINE = [dt.date(2026, 11, 5) + dt.timedelta(days=i) for i in range(7)]
WEEK_START = dt.datetime(2026, 11, 12, tzinfo=dt.UTC)
ONSET = dt.datetime(2026, 11, 19, 13, 7, tzinfo=dt.UTC)  # a chosen minute, not on the 5-minute grid
CARE_AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # Friday: Paris 16:00, Montreal 10:00, at work
DAILY_DAYS = [dt.date(2026, 11, 17), dt.date(2026, 11, 18)]
ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict]

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Timeline:
    """The sandbox worlds, their servers, the sensor and the simulated clock that drives both."""

    def __init__(self, base: Path, bad_buzz: bool, comments_minutes: int, platforms=PLATFORMS):
        from assets.brand_config import load_brand_config
        from orchestration.listening import build_listening_sensor
        from orchestration.settings import load_settings
        from sandbox import SandboxServer, ScriptedBadBuzz, World

        self.config = load_brand_config(REPO / "brands.yaml")
        buzz = (ScriptedBadBuzz("brewbean", ONSET),) if bad_buzz else ()
        self.worlds = {
            p: World(self.config, seed=42, now=WEEK_START, platform=p, bad_buzzes=buzz) for p in platforms
        }
        self.servers = {p: SandboxServer(w).start() for p, w in self.worlds.items()}
        self.received: list[dict] = []
        handler = type("Receiver", (_Receiver,), {"received": self.received})
        self.webhook = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.webhook.serve_forever, daemon=True).start()
        self.env = {
            "SOCIAL_DATA_DIR": str(base),
            "SOCIAL_PLATFORM_MODE": "sandbox",
            "SOCIAL_SANDBOX_URLS": ",".join(f"{p}={s.url}" for p, s in self.servers.items()),
            "SOCIAL_LISTENING_PLATFORMS": ",".join(platforms),
            "SOCIAL_LISTENING_COMMENTS_MINUTES": str(comments_minutes),
            "SOCIAL_LISTENING_WEBHOOK_URL": f"http://127.0.0.1:{self.webhook.server_address[1]}/hook",
        }
        self.settings = load_settings(self.env)
        self.now = WEEK_START
        self.sensor = build_listening_sensor(self.settings, self.config, clock=lambda: self.now)
        self.ticks: list[tuple[dt.datetime, str]] = []
        self.reports: list[tuple[dt.datetime, list]] = []  # the asset events each tick returned

    def tick(self, at: dt.datetime) -> str:
        import dagster as dg

        self.now = at
        for world in self.worlds.values():
            world.set_now(at)
        result = self.sensor(dg.build_sensor_context(cursor=None))
        assert isinstance(result, dg.SensorResult) and not result.run_requests
        message = result.skip_reason.skip_message
        self.ticks.append((at, message))
        self.reports.append((at, list(result.asset_events)))
        return message

    def run(self, start: dt.datetime, end: dt.datetime, every: dt.timedelta) -> None:
        t = start
        while t <= end:
            self.tick(t)
            t += every

    def ingest_daily(self, lake_url: str, entities, days) -> None:
        """The daily run's own ingestion (assets/ingest/runner.py) of these days into a lake."""
        from assets.ingest.lake import Lake
        from assets.ingest.platform_apis import PlatformApis
        from assets.ingest.runner import ingest_range

        apis = PlatformApis(self.config, "sandbox", sandbox_urls=self.env_urls())
        try:
            for p in PLATFORMS:
                connector = apis.connector(p)
                for entity in entities:
                    ingest_range(connector, Lake(lake_url), entity, list(days))
        finally:
            apis.close()

    def env_urls(self) -> dict[str, str]:
        return {p: s.url for p, s in self.servers.items()}

    def close(self) -> None:
        for s in self.servers.values():
            s.stop()
        self.webhook.shutdown()


@pytest.fixture(scope="module")
def buzz(tmp_path_factory):
    """A normal week, then 11-19 with the scripted bad buzz. Comments are left to the care test."""
    tl = Timeline(tmp_path_factory.mktemp("intraday"), bad_buzz=True, comments_minutes=0)
    try:
        tl.ingest_daily(tl.settings.lake_url, ["mentions"], BASELINE)  # the trailing days, as the daily run
        # Six-hourly through the normal week: the detector still evaluates every 5-minute step in between.
        tl.run(WEEK_START, WEEK_START + dt.timedelta(days=7), dt.timedelta(hours=6))
        tl.week_alerts = list(tl.received)
        # 11-19: hourly until shortly before the onset, every 5 minutes (the default interval) around it,
        # then hourly again until the buzz has died down.
        day = WEEK_START + dt.timedelta(days=7)
        tl.run(day + dt.timedelta(hours=1), ONSET - dt.timedelta(minutes=30), dt.timedelta(hours=1))
        tl.run(ONSET - dt.timedelta(minutes=25), ONSET + dt.timedelta(minutes=90), dt.timedelta(minutes=5))
        tl.run(ONSET + dt.timedelta(minutes=150), day + dt.timedelta(hours=23), dt.timedelta(hours=1))
        yield tl
    finally:
        tl.close()


def test_a_normal_week_raises_no_alert(buzz):
    assert buzz.week_alerts == []
    # ... while the sensor did watch: every tick polled both platforms without error, and found mentions
    week = [msg for at, msg in buzz.ticks if at <= WEEK_START + dt.timedelta(days=7)]
    assert len(week) == 29 and not [m for m in week if "failed" in m]
    assert sum(int(m.split(": ")[1].split(" new")[0]) for m in week) > 1000


def test_the_bad_buzz_is_alerted_within_15_minutes_once_then_updated_and_closed(buzz):
    from assets.listening.alerts_table import read_alerts

    alerts = [a for a in buzz.received if a["kind"] == "bad_buzz"]
    assert {a["brand_id"] for a in alerts} == {"brewbean"}, [a["summary"] for a in alerts]
    actions = [a["action"] for a in alerts]
    assert actions[0] == "open" and actions[-1] == "close", actions
    assert actions.count("open") == 1 and actions.count("close") == 1 and "update" in actions
    assert len({a["incident_id"] for a in alerts}) == 1

    opened = alerts[0]
    # Delivered by the first tick at or after the detector's moment: the 5-minute ticks around the onset.
    delivered_at = min(at for at, msg in buzz.ticks if at >= dt.datetime.fromisoformat(opened["at"]))
    assert ONSET < delivered_at <= ONSET + dt.timedelta(minutes=15), (opened["at"], delivered_at)
    assert opened["volume"] >= opened["threshold"] >= 10
    assert opened["baseline"] is not None and opened["baseline_days"] == 7
    assert (
        set(opened["platforms"]) <= set(PLATFORMS) and sum(opened["platforms"].values()) == opened["volume"]
    )
    assert 1 <= len(opened["examples"]) <= 3
    for ex in opened["examples"]:
        assert ex["text"] and ex["url"].startswith("http")
        assert ex["author"].startswith("p_")  # a pseudonym, never a member's handle
        assert ex["created_at"] >= ONSET.isoformat().replace("+00:00", "Z")
    # The volume the World holds: negative-labelled scripted mentions in the alert's window, both platforms.
    at = dt.datetime.fromisoformat(opened["at"])
    truth = sum(
        1
        for w in buzz.worlds.values()
        for s in w.statuses_on(ONSET.date())
        if s.key.startswith("s/") and s.sentiment == "negative" and at - dt.timedelta(hours=1) <= _t(s) < at
    )
    assert abs(opened["volume"] - truth) <= max(3, truth // 5), (opened["volume"], truth)  # scorer vs label
    closed = alerts[-1]
    assert dt.datetime.fromisoformat(closed["at"]) > at + dt.timedelta(hours=2)
    assert closed["peak_volume"] > opened["volume"]

    table = read_alerts(buzz.settings.lake_url).to_pylist()
    assert [(r["incident_id"], r["action"]) for r in table if r["kind"] == "bad_buzz"] == [
        (a["incident_id"], a["action"]) for a in alerts
    ]
    assert {r["delivered_to"] for r in table} == {"webhook"}
    assert {r["incident_status"] for r in table if r["kind"] == "bad_buzz"} == {"closed"}


def test_each_rewrite_of_the_alerts_table_is_reported_as_a_materialization(buzz):
    """A tick that raised or delivered alert events rewrote the table and says so to Dagster (the daemon
    records a sensor's asset events on the instance: done here by hand); the other ticks report nothing."""
    import dagster as dg

    from assets.listening.alerts_table import read_alerts
    from assets.listening.dagster_assets import ALERTS_KEY

    reported = []
    for (at, message), (_, events) in zip(buzz.ticks, buzz.reports, strict=True):
        raised, delivered = (
            int(n) for n in re.search(r"(\d+) alert events, (\d+) delivered", message).groups()
        )
        assert len(events) == (1 if raised or delivered else 0), (at, message, events)
        reported += events
    assert len(reported) >= 3  # open, update(s), close
    assert all(isinstance(e, dg.AssetMaterialization) and e.asset_key == ALERTS_KEY for e in reported)
    rows = read_alerts(buzz.settings.lake_url).num_rows
    assert reported[-1].metadata["alert_events"].value == rows
    assert reported[-1].metadata["path"].value.endswith("listening/alerts/part-0.parquet")
    with dg.DagsterInstance.ephemeral() as instance:
        for event in reported:
            instance.report_runless_asset_event(event)
        latest = instance.get_latest_materialization_event(ALERTS_KEY)
        assert latest.asset_materialization.metadata["alert_events"].value == rows
        assert len(instance.fetch_materializations(ALERTS_KEY, limit=100).records) == len(reported)


def test_the_alerts_come_out_as_one_incident_in_the_live_alerts_mart(buzz, tmp_path):
    """dbt's source over the alerts table, its staging model and reputation.fct_live_alerts built alone (with
    the brands their relationship test needs) on a temporary warehouse: one row for the bad buzz, as sent."""
    import shutil

    import duckdb

    from assets.brand_config import load_brand_config
    from assets.ingest.dagster_assets import REFERENCE_SCHEMAS, reference_rows
    from assets.ingest.lake import Lake
    from assets.ingest.raw_writer import write_reference
    from assets.listening.alerts_table import alerts_path

    lake = Lake(str(tmp_path / "lake"))
    source = Lake(buzz.settings.lake_url)
    Path(alerts_path(lake)).parent.mkdir(parents=True)
    shutil.copy(alerts_path(source), alerts_path(lake))
    rows = reference_rows(load_brand_config(REPO / "brands.yaml"))
    for name, schema in REFERENCE_SCHEMAS.items():
        write_reference(lake, name, rows[name], schema)
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "SOCIAL_LAKE_URL": lake.root, "SOCIAL_WAREHOUSE_PATH": str(warehouse)}
    cmd = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--select",
        "+fct_live_alerts",
        "stg_reference__brands",
    ]
    # only the tests whose every parent is built (the staging models' relationships to the other sources not)
    cmd += ["--indirect-selection", "buildable", "--project-dir", str(REPO / "dbt_project")]
    cmd += ["--profiles-dir", str(REPO / "dbt_project"), "--target-path", str(tmp_path / "target")]
    cmd += ["--log-path", str(tmp_path / "logs")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "unit_test fct_live_alerts" in proc.stdout and "PASS=0" not in proc.stdout

    alerts = [a for a in buzz.received if a["kind"] == "bad_buzz"]
    opened, closed = alerts[0], alerts[-1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cur = con.execute("select * from reputation.fct_live_alerts")
        names = [d[0] for d in cur.description]
        mart = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    assert len(mart) == 1, mart
    (row,) = mart
    at = lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=None)  # noqa: E731 (the mart: UTC, naive)
    peak = max(alerts, key=lambda a: a["volume"])
    assert row["incident_id"] == opened["incident_id"] and row["brand_id"] == "brewbean"
    assert (row["kind"], row["status"], row["date"]) == ("bad_buzz", "closed", ONSET.date())
    assert row["opened_at"] == at(opened["at"]) and row["closed_at"] == row["last_event_at"] == at(
        closed["at"]
    )
    assert row["updates"] == sum(a["action"] == "update" for a in alerts) >= 1
    assert row["peak_volume"] == peak["volume"] and row["threshold_at_peak"] == peak["threshold"]
    assert row["baseline_at_peak"] == pytest.approx(peak["baseline"], abs=0.01)  # the payload rounds it
    assert row["platforms"] == sorted({p for a in alerts for p in a["platforms"]})
    assert row["latest_summary"] == closed["summary"]
    # members stay out of the mart: no handle, no link, no example text
    assert "http" not in json.dumps(row, default=str) and "examples" not in names and "payload" not in names


def test_intraday_polls_read_each_mention_once_and_miss_none(buzz):
    """What the polls stored for a whole day is what the daily run ingests for it: nothing missed, no
    double, and the pages read stay close to the mentions (each poll asks only from its cursor on)."""
    import sqlite3

    from assets.listening.service import state_path

    day = dt.date(2026, 11, 15)
    lake = buzz.settings.lake_url
    fresh = str(Path(buzz.settings.state_dir).parent / "daily_lake")
    buzz.ingest_daily(fresh, ["mentions"], [day])
    daily = set()
    for p in PLATFORMS:
        t = pq.read_table(f"{fresh}/raw/{p}/mentions/dt={day}/part-0.parquet")
        daily |= {
            (p, m, b)
            for m, b in zip(t["mention_id"].to_pylist(), t["matched_brand"].to_pylist(), strict=True)
        }
    start = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000)
    with sqlite3.connect(state_path(buzz.settings.state_dir)) as db:
        polled = set(
            db.execute(
                "select platform, mention_id, brand_id from mentions where source = 'intraday' "
                "and created_ms >= ? and created_ms < ?",
                (start, start + 86_400_000),
            ).fetchall()
        )
    assert daily and polled == daily
    assert Path(lake, "landing", "mastodon", "mentions", "intraday", f"dt={day}").is_dir()
    assert not Path(lake, "landing", "mastodon", "mentions", f"dt={day}").exists()  # the day's own: untouched


def test_daily_partitions_are_unchanged_by_intraday_polling(buzz, tmp_path):
    """The daily run of days the sensor polled through gives the same raw partitions (dbt's only input),
    landing pages and quarantine as the daily run of a lake that never saw a poll."""
    polled, fresh = buzz.settings.lake_url, str(tmp_path / "lake")
    for lake in (polled, fresh):
        buzz.ingest_daily(lake, ENTITIES, DAILY_DAYS)
    compared = 0
    for p in PLATFORMS:
        for entity in ENTITIES:
            for day in DAILY_DAYS:
                for area in ("raw", "quarantine"):
                    a = pq.read_table(f"{polled}/{area}/{p}/{entity}/dt={day}/part-0.parquet")
                    b = pq.read_table(f"{fresh}/{area}/{p}/{entity}/dt={day}/part-0.parquet")
                    # ingested_at: when written; observed_at: the server's clock when a count was read
                    moments = [c for c in ("ingested_at", "observed_at") if c in a.column_names]
                    assert a.drop(moments).equals(b.drop(moments)), (area, p, entity, day)
                    compared += a.num_rows
                pages = f"landing/{p}/{entity}/dt={day}/pages.ndjson.gz"
                assert _pages(Path(polled, pages)) == _pages(Path(fresh, pages)), pages
    assert compared > 1000


def test_daily_marts_are_unchanged_by_intraday_polling(buzz, tmp_path):
    """Beyond the raw partitions: dbt builds every model but the live alerts' (the one mart the sensor
    feeds, by design) over the polled lake and over a lake that never saw a poll; each mart is the same,
    row for row."""
    import shutil

    import duckdb

    polled, fresh = buzz.settings.lake_url, str(tmp_path / "lake")
    # The baseline days the fixture's daily run wrote before the first poll, as they are: ingested again
    # now, the authors' follower counts would be today's, not the polled lake's.
    for p in PLATFORMS:
        for day in BASELINE:
            part = f"raw/{p}/mentions/dt={day}"
            shutil.copytree(Path(polled, part), Path(fresh, part))
    for lake in (polled, fresh):
        buzz.ingest_daily(lake, ENTITIES, DAILY_DAYS)
    warehouses = [_dbt_run(lake, tmp_path / name) for lake, name in ((polled, "polled"), (fresh, "fresh"))]
    with duckdb.connect() as con:
        for name, wh in zip(("polled", "fresh"), warehouses, strict=True):
            con.execute(f"attach '{wh}' as {name} (read_only)")
        marts = con.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = 'fresh' "
            "and table_schema not like '%staging%' and table_schema not like '%intermediate%' order by 1, 2"
        ).fetchall()
        assert len(marts) >= 15, marts
        rows = 0
        for schema, table in marts:
            a, b = f"polled.{schema}.{table}", f"fresh.{schema}.{table}"
            # `except all` both ways: the same rows, each as often (nulls compare as equal here)
            differ = con.execute(
                f"select (select count(*) from (from {a} except all from {b})), "
                f"(select count(*) from (from {b} except all from {a})), (select count(*) from {b})"
            ).fetchone()
            assert differ[:2] == (0, 0), (schema, table, differ)
            rows += differ[2]
    assert rows > 1000


def _dbt_run(lake_url: str, work: Path) -> Path:
    """dbt run of every model but the live alerts' over a lake holding the polled platforms; the other
    platforms get one empty day (what the daily run writes for a day without records), the brands their
    reference tables (written by the daily job's first step)."""
    from assets.brand_config import load_brand_config
    from assets.ingest.dagster_assets import REFERENCE_SCHEMAS, reference_rows
    from assets.ingest.lake import Lake
    from assets.ingest.raw_writer import write_partition, write_reference
    from assets.listening.alerts_table import ensure_alerts_table

    lake = Lake(lake_url)
    rows = reference_rows(load_brand_config(REPO / "brands.yaml"))
    for name, schema in REFERENCE_SCHEMAS.items():
        write_reference(lake, name, rows[name], schema)
    for platform in ("x", "reddit", "facebook", "youtube"):
        for entity in ENTITIES:
            write_partition(lake, platform, entity, DAILY_DAYS[0], [])
    ensure_alerts_table(lake)  # the source must be readable; the models over it are not built
    warehouse = work / "warehouse.duckdb"
    env = {**os.environ, "SOCIAL_LAKE_URL": lake.root, "SOCIAL_WAREHOUSE_PATH": str(warehouse)}
    cmd = [str(Path(sys.executable).parent / "dbt"), "run", "--exclude", "stg_listening__alerts+"]
    cmd += ["--project-dir", str(REPO / "dbt_project"), "--profiles-dir", str(REPO / "dbt_project")]
    cmd += ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return warehouse


def test_live_sla_breaches_match_the_sandbox(tmp_path):
    """X too: its threads are read by a search over time, which must reach back to comments made before
    today (at 15:00 most of the breaches are older than the day)."""
    tl = Timeline(tmp_path, bad_buzz=False, comments_minutes=15, platforms=(*PLATFORMS, "x"))
    try:
        for at in (CARE_AT - dt.timedelta(minutes=15), CARE_AT):
            tl.tick(at)
            sent = {a["brand_id"]: a for a in tl.received if a["kind"] == "care_sla"}
            for bid in ("brewbean", "velora"):
                expected = _breaches(tl, bid, at)
                assert expected, bid  # the sandbox has late and unanswered comments at this moment
                listed = {(b["platform"], b["comment_id"]) for b in sent[bid]["breaches"]}
                midnight = dt.datetime.combine(at.date(), dt.time(), dt.UTC)
                assert any(p == "x" and _x_created(c) < midnight for p, c in expected), bid
                if at == CARE_AT:
                    assert sent[bid]["action"] in ("open", "update")
                assert listed == expected, (bid, at, len(listed), len(expected))
        # one incident per brand: the first tick opened it; the second only updates when new comments
        # passed their SLA in between
        first = [a for a in tl.received if a["kind"] == "care_sla" and a["action"] == "open"]
        assert sorted(a["brand_id"] for a in first) == ["brewbean", "velora"]
        assert all(a["action"] in ("open", "update") for a in tl.received)
    finally:
        tl.close()


def _t(status) -> dt.datetime:
    return dt.datetime.fromtimestamp(status.ms / 1000, dt.UTC)


def _pages(path: Path) -> list[tuple]:
    """What each landed page asked and received; fetched_at, the Date and rate-limit headers are the wall
    clock and the server's budget at the time of the request, not data."""
    import gzip

    pages = [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    return [(p["kind"], p["context"], p["url"], p["status"], p["body"]) for p in pages]


def _breaches(tl: Timeline, bid: str, at: dt.datetime) -> set[tuple[str, str]]:
    """From the World: members' direct comments on the brand's posts of the comment lookback, with no
    answer from the brand by `at`, whose SLA deadline (sla_hours of business time after them) has passed.
    On X, only what recent search still reaches at `at` (7 days, less the connector's 5-minute margin)."""
    from sandbox.rhythms import add_business_hours, zone
    from sandbox.x_api import SEARCH_REACH

    brand = tl.config.brands[bid]
    now_ms = int(at.timestamp() * 1000)
    lookback = tl.settings.comment_lookback_days
    out = set()
    for p, world in tl.worlds.items():
        if bid not in world.brand_accounts:
            continue
        first_day = at.date() - dt.timedelta(days=lookback)
        for d in range(lookback + 1):
            for post in world.posts(bid, first_day + dt.timedelta(days=d)):
                for c in world.replies(post):
                    if c.account.brand_id is not None or c.ms > now_ms:
                        continue
                    if p == "x" and c.ms < now_ms - (SEARCH_REACH - dt.timedelta(minutes=5)) // MS:
                        continue
                    answered = any(r.kind == "brand_reply" and r.ms <= now_ms for r in world.replies(c))
                    deadline = add_business_hours(
                        c.ms, brand.sla_hours, brand.business_hours, zone(brand.timezone)
                    )
                    if not answered and now_ms > deadline:
                        out.add((p, _wire_id(tl, p, c)))
    return out


MS = dt.timedelta(milliseconds=1)


def _x_created(tweet_id: str) -> dt.datetime:
    from sandbox.x_api import TWEPOCH_MS

    return dt.datetime.fromtimestamp(((int(tweet_id) >> 22) + TWEPOCH_MS) / 1000, dt.UTC)


def _wire_id(tl: Timeline, platform: str, status) -> str:
    """The comment id as the platform's API shows it (Mastodon: the status id; Bluesky: the post's uri;
    X: the tweet's snowflake)."""
    if platform == "x":
        from sandbox.x_api import x_id

        return str(x_id(status.id))
    return str(status.id) if platform == "mastodon" else tl.servers[platform].api.uri(status)
