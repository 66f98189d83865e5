"""Bad input: each bad thing is quarantined with a reason that names it, or fails with a clear error, and only the
day it is in fails; good records always land and the counts add up.

The pages are real: the Mastodon connector fetches them from the sandbox over loopback, then the test spoils
some of their records the way a platform could (invalid JSON, wrong types, timestamps out of range, a 1 MB text,
bytes that are not UTF-8), lands them, and runs the project's ingest over the landing zone.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from assets.brand_config import load_brand_config, parse_brand_config
from assets.ingest.dagster_assets import REFERENCE_SCHEMAS, quarantine_check, reference_rows
from assets.ingest.http_core import ApiError, HttpCore
from assets.ingest.lake import Lake
from assets.ingest.landing import landing_path, write_pages
from assets.ingest.mastodon import MastodonConnector
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.raw_writer import write_partition, write_reference
from assets.ingest.runner import ingest_range
from sandbox import SandboxServer, World
from tests.support.scripted_server import ScriptedServer

REPO = Path(__file__).resolve().parents[2]
CONFIG = load_brand_config(REPO / "brands.yaml")
NOW = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
DAYS = [dt.date(2026, 11, 16), dt.date(2026, 11, 17), dt.date(2026, 11, 18)]
BAD_DAY = DAYS[1]


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    """Three days of Mastodon posts fetched from the sandbox and landed, and the clean run's posts per day."""
    lake = Lake(str(tmp_path_factory.mktemp("lake")))
    with SandboxServer(World(CONFIG, seed=42, now=NOW, platform="mastodon")) as server:
        connector = MastodonConnector(HttpCore("mastodon", server.url), CONFIG, Pseudonymizer("k"))
        for day in DAYS:
            write_pages(lake, "mastodon", "posts", day, connector.fetch_posts(day))
        clean = {r.day: r.write.written for r in ingest_range(connector, lake, "posts", DAYS)}
    assert all(n > 3 for n in clean.values())
    return lake, connector, clean


def pages_of(lake: Lake, day: dt.date) -> list[dict]:
    with lake.fs.open(landing_path(lake, "mastodon", "posts", day), "rb") as fh:
        return [json.loads(line) for line in gzip.decompress(fh.read()).splitlines()]


def land_raw(lake: Lake, day: dt.date, pages: list[dict]) -> None:
    body = b"".join(json.dumps(p, ensure_ascii=False).encode() + b"\n" for p in pages)
    with lake.atomic_open(landing_path(lake, "mastodon", "posts", day)) as fh:
        fh.write(gzip.compress(body))


def test_bad_records_are_quarantined_with_their_reason_and_good_ones_land(landed, tmp_path):
    lake, connector, clean = landed
    spoilt = Lake(str(tmp_path))
    for day in DAYS:
        land_raw(spoilt, day, pages_of(lake, day))
    pages = pages_of(spoilt, BAD_DAY)

    def of_the_day(page: dict) -> list[dict]:
        return [s for s in json.loads(page["body"]) if s["created_at"].startswith(BAD_DAY.isoformat())]

    statuses_page = next(p for p in pages if p["kind"] == "statuses" and len(of_the_day(p)) >= 5)
    statuses = of_the_day(statuses_page)  # the listing also holds neighbours of other days: left out
    statuses[0]["favourites_count"] = "'; DROP TABLE posts; --"  # a wrong type
    statuses[1]["created_at"] = "2026-11-17T10:00:00"  # no time zone: cannot be placed in a UTC day
    statuses[2]["created_at"] = "+275760-09-13T00:00:00Z"  # outside what a timestamp can hold
    statuses[3]["content"] = "<p>" + "é" * 1_000_000 + "</p>"  # a 1 MB text
    statuses[4]["reblogs_count"] = -1
    statuses_page["body"] = json.dumps(statuses)
    # valid ISO 8601, but no post is dated there: of no day's window, so said so rather than skipped
    other_page = next(
        p for p in pages if p["kind"] == "statuses" and p is not statuses_page and of_the_day(p)
    )
    future = of_the_day(other_page)[0]
    other_page["body"] = json.dumps(
        [
            {**s, "created_at": "9999-12-31T00:00:00Z"} if s["id"] == future["id"] else s
            for s in json.loads(other_page["body"])
        ]
    )
    invalid = {**statuses_page, "body": statuses_page["body"][:-40]}  # a page whose JSON is cut short
    land_raw(spoilt, BAD_DAY, [*pages, invalid])

    results = {r.day: r for r in ingest_range(connector, spoilt, "posts", DAYS)}
    bad = results[BAD_DAY].write
    assert (
        results[DAYS[0]].write.written == clean[DAYS[0]] and results[DAYS[2]].write.written == clean[DAYS[2]]
    )
    others = clean[BAD_DAY] - len(statuses)  # the day's statuses on the other pages
    assert bad.written == others + len(statuses) - 6  # every good record landed (5 spoilt here, 1 there)
    assert bad.received == bad.written + bad.quarantined + bad.duplicates
    q = pq.read_table(f"{tmp_path}/quarantine/mastodon/posts/dt={BAD_DAY}/part-0.parquet").to_pylist()
    reasons = {r["record_id"]: r["reason"] for r in q}
    assert reasons[statuses[0]["id"]] == 'like_count is not an integer: "\'; DROP TABLE posts; --"'
    assert reasons[statuses[1]["id"]] == "ValueError: timestamp has no timezone: '2026-11-17T10:00:00'"
    assert reasons[statuses[2]["id"]] == "ValueError: Invalid isoformat string: '+275760-09-13T00:00:00Z'"
    assert reasons[statuses[3]["id"]] == "text is 1000000 characters, over the 100000 limit"
    assert reasons[statuses[4]["id"]] == "share_count is negative: -1"
    assert reasons[future["id"]] == "ValueError: timestamp out of range: '9999-12-31T00:00:00Z'"
    page_reason = next(r["reason"] for r in q if r["record_id"] is None)
    assert page_reason.startswith("JSONDecodeError: ")  # the cut page, kept whole in quarantine
    check = quarantine_check(list(results.values()), 1.0, None)
    assert check.passed and check.metadata["reconciles"].value is True


def test_a_day_that_cannot_be_read_fails_alone_naming_its_cause(landed, tmp_path):
    lake, connector, clean = landed
    spoilt = Lake(str(tmp_path))
    for day in DAYS:
        land_raw(spoilt, day, pages_of(lake, day))
    before = Path(f"{tmp_path}/raw/mastodon/posts/dt={BAD_DAY}/part-0.parquet")
    ingest_range(connector, spoilt, "posts", DAYS)
    previous = before.read_bytes()
    # bytes that are not UTF-8 in the middle of the day's landed pages
    with spoilt.atomic_open(landing_path(spoilt, "mastodon", "posts", BAD_DAY)) as fh:
        fh.write(gzip.compress(b'{"platform": "mastodon", "body": "caf\xe9\xff"}\n'))

    results = {r.day: r for r in ingest_range(connector, spoilt, "posts", DAYS)}
    assert results[BAD_DAY].source == "failed" and results[BAD_DAY].write is None
    assert "dt=2026-11-17/pages.ndjson.gz: line 1 is not a landed page" in results[BAD_DAY].error
    assert before.read_bytes() == previous  # the failed day keeps its previous partition
    assert [results[d].write.written for d in (DAYS[0], DAYS[2])] == [clean[DAYS[0]], clean[DAYS[2]]]
    check = quarantine_check(
        [r for r in results.values() if r.write], 0.02, None, {str(BAD_DAY): results[BAD_DAY].error}
    )
    assert not check.passed and check.description.startswith("2026-11-17: failed: ValueError: ")

    # every day unreadable: the step fails (so Dagster's retry policy runs it again), naming them
    for day in DAYS:
        with spoilt.atomic_open(landing_path(spoilt, "mastodon", "posts", day)) as fh:
            fh.write(b"not gzip at all")
    with pytest.raises(RuntimeError, match=r"mastodon/posts: every day failed; 2026-11-16: "):
        ingest_range(connector, spoilt, "posts", DAYS)


def test_an_answer_that_is_not_utf8_is_a_clear_error_naming_platform_and_endpoint():
    body = b'[{"id": "1", "content": "caf\xe9"}]'
    script = [(200, {"Content-Type": "application/json; charset=utf-8"}, body)]
    with ScriptedServer(script) as s, pytest.raises(ApiError) as err:
        HttpCore("mastodon", s.url).get("/api/v1/accounts/1/statuses")
    assert str(err.value) == "mastodon: /api/v1/accounts/1/statuses: HTTP 200: body is not valid UTF-8 text"


QUOTED = {
    "default_timezone": "UTC",
    "brands": {
        "obrien": {
            "name": 'O\'Brien "Roasters"; DROP TABLE brands; --',
            "role": "client",
            "timezone": "UTC",
            "accounts": {"mastodon": "obrien"},
            "keywords": ["O'Brien", "1'; select 1; --"],
            "hashtags": ["obrien"],
        }
    },
}


def test_brand_names_and_keywords_with_quotes_and_sql_stay_data(tmp_path):
    config = parse_brand_config(QUOTED)
    lake = Lake(str(tmp_path))
    # the reference table dbt reads: the name comes back exactly, as data
    path = write_reference(lake, "brands", reference_rows(config)["brands"], REFERENCE_SCHEMAS["brands"])
    with duckdb.connect() as con:
        names = con.execute("select brand_name from read_parquet(?)", [path]).fetchall()
    assert names == [('O\'Brien "Roasters"; DROP TABLE brands; --',)]
    # the keywords go to the platform's search in a query string, and mentions come back matched to them
    day = dt.date(2026, 11, 18)
    world = World(config, seed=42, now=NOW, platform="mastodon")
    with SandboxServer(world) as server:
        connector = MastodonConnector(HttpCore("mastodon", server.url), config, Pseudonymizer("k"))
        records, bad = connector.parse_mentions(connector.fetch_mentions(day), day)
    assert bad == []
    named = [st for st in world.statuses_on(day) if st.parent is None and "obrien" in st.named]
    assert len({r["mention_id"] for r in records}) == len(named) > 0
    assert {r["matched_term"] for r in records} <= {"O'Brien", "1'; select 1; --", "obrien", "#obrien"}
    assert write_partition(lake, "mastodon", "mentions", day, records).quarantined == 0
    glob = f"{tmp_path}/raw/mastodon/mentions/dt=*/*.parquet"
    with duckdb.connect() as con:
        texts = con.execute(f"select text from read_parquet('{glob}')").fetchall()
    assert sorted(t for (t,) in texts) == sorted(r["text"] for r in records)


def test_a_day_the_platform_keeps_refusing_is_tried_again_by_the_step_after_the_others_landed(tmp_path):
    from assets.ingest.http_core import RetryPolicy
    from sandbox import FaultConfig

    lake = Lake(str(tmp_path))
    with SandboxServer(World(CONFIG, seed=42, now=NOW, platform="mastodon")) as server:
        http = HttpCore("mastodon", server.url, retry=RetryPolicy(max_attempts=2, base_delay=0.01))
        connector = MastodonConnector(http, CONFIG, Pseudonymizer("k"))
        fetch = connector.fetch_posts

        def down_on_the_bad_day(day):  # the platform answers 503 to every request made for that day
            server.api.faults = FaultConfig(rate_503=1.0) if day == BAD_DAY else FaultConfig()
            try:
                return fetch(day)
            finally:
                server.api.faults = FaultConfig()

        connector.fetch_posts = down_on_the_bad_day
        with pytest.raises(RuntimeError) as err:
            ingest_range(connector, lake, "posts", DAYS)
        assert str(err.value).startswith(
            "mastodon/posts: failed for now, to be tried again; 2026-11-17: ApiError: mastodon: /api/v1/"
        )
        assert "HTTP 503: still failing after 2 attempts" in str(err.value)
        # the other days are landed and written: the step's retry asks the API for the missing day only
        for day in (DAYS[0], DAYS[2]):
            assert Path(f"{tmp_path}/raw/mastodon/posts/dt={day}/part-0.parquet").exists()
        assert not Path(f"{tmp_path}/raw/mastodon/posts/dt={BAD_DAY}").exists()
        connector.fetch_posts = fetch
        again = {r.day: r.source for r in ingest_range(connector, lake, "posts", DAYS)}
    assert again == {DAYS[0]: "landing", BAD_DAY: "api", DAYS[2]: "landing"}
