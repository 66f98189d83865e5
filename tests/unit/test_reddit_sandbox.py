"""The Reddit sandbox over real HTTP: its wire format against reddit.com's recorded one, and the connector
walking it finds exactly the world's ground truth; auth and faults as the real API has them."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections import Counter
from pathlib import Path

import pytest
import requests

from assets.brand_config import BrandConfig, load_brand_config
from assets.ingest import reddit
from assets.ingest.http_core import ApiError, HttpCore, RetryPolicy
from assets.ingest.pseudonyms import Pseudonymizer
from sandbox import FaultConfig, SandboxServer, World, ground_truth
from sandbox.reddit_api import thing_id
from tests.support.ranges import assert_range_is_the_per_day_walks
from tests.support.reddit_replay import load_betamax

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "fixtures" / "recorded" / "reddit"
NOW = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
TODAY = NOW.date()
DAYS = [TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)]


@pytest.fixture(scope="module")
def config() -> BrandConfig:
    return load_brand_config(ROOT / "brands.yaml")


@pytest.fixture(scope="module")
def world(config) -> World:
    return World(config, seed=42, now=NOW, history_days=20, platform="reddit")


@pytest.fixture(scope="module")
def server(world):
    with SandboxServer(world) as srv:
        yield srv


def client(url: str, **kw) -> HttpCore:
    return HttpCore("reddit", url, rate_limit_style=reddit.RATE_LIMIT_STYLE, **reddit.http_options({}), **kw)


def connector(http: HttpCore, config: BrandConfig, credentials=None) -> reddit.RedditConnector:
    return reddit.RedditConnector(http, config, Pseudonymizer("test-key"), credentials=credentials)


def walk(conn: reddit.RedditConnector) -> dict:
    """Every entity the connector fetches and parses for DAYS: {(entity, day): records}."""
    out = {}
    comments = conn.fetch_comments(DAYS)
    for day in DAYS:
        for entity, pages in (
            ("posts", conn.fetch_posts(day)),
            ("comments", comments[day]),
            ("mentions", conn.fetch_mentions(day)),
        ):
            records, bad = getattr(conn, f"parse_{entity}")(pages, day)
            assert bad == [], (entity, bad[:2])
            out[entity, day] = records
    return out


@pytest.fixture(scope="module")
def walked(server, config) -> dict:
    return walk(connector(client(server.url), config))


# -- (a) field paths: the sandbox says what reddit.com says ---------------------------------------------------


def paths(value, prefix="") -> set[str]:
    """Field paths of a JSON value; list items share one path ([]); Reddit's empty replies "" is a leaf."""
    if isinstance(value, dict):
        out = set()
        for k, v in value.items():
            out |= {f"{prefix}.{k}".lstrip(".")} | paths(v, f"{prefix}.{k}")
        return out
    if isinstance(value, list):
        return set().union(*(paths(v, f"{prefix}[]") for v in value)) if value else set()
    return set()


def recorded_bodies(name: str) -> list:
    return [
        json.loads(i["response"]["body"]["string"])
        for i in load_betamax(CASSETTES / name)
        if i["request"]["method"] == "GET"
    ]


# Fields current reddit.com sends that the 2016 recording of submissions predates (seen on today's t1/t3).
MODERN_T3 = {"author_fullname", "pinned", "subreddit_name_prefixed", "view_count"}
# A comment inside a /comments tree carries its depth; the recorded flat listing has none. replies is a
# Listing there: its own paths are those of any comment listing.
TREE_T1 = {"depth"}
# What the connector reads from each kind of thing.
READ_T3 = {"name", "id", "title", "selftext", "created_utc", "author", "author_fullname", "permalink", "ups"}
READ_T3 |= {"num_comments", "view_count", "stickied", "pinned"}
READ_T1 = {"name", "id", "body", "created_utc", "author", "author_fullname", "parent_id", "link_id", "ups"}
READ_LISTING = {"data", "data.after", "data.children", "data.children[].kind", "data.children[].data"}


def thing_keys(listing: dict, kind: str) -> set[str]:
    return {k for c in listing["data"]["children"] if c["kind"] == kind for k in c["data"]}


def test_submission_listings_have_the_recorded_fields(server, world):
    real = recorded_bodies("TestSubredditListings.test_new.json")[0]
    modern = recorded_bodies("TestSubredditStreams.test_comments__with_continue_after_id.json")[0]
    http = requests.Session()
    for url, params in (
        ("/user/BrewBeanCoffee/submitted", {"sort": "new", "limit": 5}),
        ("/search", {"q": "BrewBean", "type": "link", "sort": "new", "limit": 5}),
    ):
        ours = http.get(server.url + url, params=params).json()
        envelope = {p for p in paths(ours) if not p.startswith("data.children[].data.")}
        assert envelope <= {
            p for p in paths(real) | paths(modern) if not p.startswith("data.children[].data.")
        }
        assert envelope >= READ_LISTING
        keys = thing_keys(ours, "t3")
        assert keys - MODERN_T3 <= thing_keys(real, "t3"), keys - thing_keys(real, "t3")
        assert thing_keys(real, "t3") >= READ_T3 - MODERN_T3 and keys >= READ_T3
        assert MODERN_T3 - {"pinned", "view_count"} <= thing_keys(modern, "t1") | {"author_fullname"}


def test_comments_have_the_recorded_fields(server, world):
    real = recorded_bodies("TestSubredditStreams.test_comments__with_continue_after_id.json")[0]
    real_t1 = thing_keys(real, "t1")
    post = max((p for p in world.posts("velora", DAYS[0])), key=lambda p: len(world.descendants(p)))
    tree = requests.get(f"{server.url}/comments/{thing_id(post)}", params={"sort": "old"}).json()
    assert isinstance(tree, list) and len(tree) == 2 and tree[0]["data"]["children"][0]["kind"] == "t3"
    comments = list(reddit.walk_tree(tree[1]))
    assert comments and all(c["kind"] == "t1" for c in comments)
    ours = {k for c in comments for k in c["data"]}
    assert ours - TREE_T1 <= real_t1, ours - real_t1
    assert ours >= READ_T1 and real_t1 >= READ_T1
    # Nested replies are Listings; a comment without replies has "" (as in the recordings).
    assert any(c["data"]["replies"] == "" for c in comments)
    assert any(isinstance(c["data"]["replies"], dict) for c in comments)


# -- (b) the connector walking the sandbox finds the ground truth ---------------------------------------------


def test_the_connector_finds_the_ground_truth(walked, world, config):
    handles = {h.lower(): b for b, h in config.accounts_on("reddit").items()}
    for day in DAYS:
        truth = {(r["brand_id"], r["metric"]): r["value"] for r in ground_truth(world, day, day)}
        posts = Counter(r["brand_id"] for r in walked["posts", day])
        comments = Counter(r["brand_id"] for r in walked["comments", day])
        from_brand = Counter(
            r["brand_id"]
            for r in walked["comments", day]
            if r["author_handle"] and handles.get(r["author_handle"].lower()) == r["brand_id"]
        )
        mentions = Counter(r["matched_brand"] for r in walked["mentions", day])
        for bid in config.brands:
            assert posts[bid] == truth[bid, "posts"], (day, bid)
            assert comments[bid] == truth[bid, "comments"], (day, bid)
            assert from_brand[bid] == truth[bid, "comments_from_brand"], (day, bid)
            assert comments[bid] - from_brand[bid] == truth[bid, "comments_from_members"], (day, bid)
            assert mentions[bid] == truth[bid, "mentions"], (day, bid)
        assert sum(mentions.values()) > 50 and sum(comments.values()) > 50


def test_comment_trees_keep_root_and_parent(walked):
    for day in DAYS:
        records = walked["comments", day]
        assert len({r["comment_id"] for r in records}) == len(records)
        for r in records:
            assert r["post_id"].startswith("t3_") and r["parent_id"][:3] in ("t1_", "t3_")
            assert r["created_at"].date() == day and r["reply_count"] is None
            assert (r["author_handle"] is None) == r["author_id"].startswith("p_")
        assert any(r["parent_id"].startswith("t1_") for r in records)  # nested replies are there


def test_more_stubs_and_continued_threads_are_followed(server, config, walked, monkeypatch):
    """With small limits Reddit cuts trees into "more" stubs and "continue this thread": same comments."""
    monkeypatch.setattr(reddit, "COMMENT_LIMIT", 4)
    monkeypatch.setattr(reddit, "COMMENT_DEPTH", 2)
    conn = connector(client(server.url), config)
    conn.accounts = {"velora": config.accounts_on("reddit")["velora"]}
    pages = conn.fetch_comments(DAYS)
    kinds = Counter(p.kind for p in pages[DAYS[1]])
    assert kinds["morechildren"] > 0
    continued = [p for p in pages[DAYS[1]] if p.kind == "thread" and "/_/" in p.url]
    assert continued
    for day in DAYS:
        records, bad = conn.parse_comments(pages[day], day)
        assert bad == []
        expected = {r["comment_id"]: r for r in walked["comments", day] if r["brand_id"] == "velora"}
        assert {r["comment_id"]: r for r in records} == expected


def test_followers_are_the_profile_subscribers(server, world, config):
    conn = connector(client(server.url), config)
    records, bad = conn.parse_account_snapshots(conn.fetch_account_snapshots(TODAY), TODAY)
    truth = {
        r["brand_id"]: r["value"] for r in ground_truth(world, TODAY, TODAY) if r["metric"] == "followers"
    }
    assert bad == [] and {r["brand_id"]: r["followers"] for r in records} == truth
    assert all(r["following"] is None and r["posts_count"] is None for r in records)
    assert all(abs(r["observed_at"] - NOW) < dt.timedelta(minutes=5) for r in records)  # the world's clock


# -- (c) auth, rate-limit headers, errors --------------------------------------------------------------------


def test_a_configured_token_is_required_and_obtained_with_the_app_credentials(world, config):
    with SandboxServer(world, access_token="s3cret") as srv:
        denied = requests.get(f"{srv.url}/user/BrewBeanCoffee/about")
        assert denied.status_code == 401 and denied.json() == {"message": "Unauthorized", "error": 401}
        with pytest.raises(ApiError) as refused:
            connector(client(srv.url), config).fetch_account_snapshots(TODAY)
        assert refused.value.status == 401
        http = client(srv.url)
        creds = {"REDDIT_CLIENT_ID": "app", "REDDIT_CLIENT_SECRET": "secret"}
        conn = connector(http, config, creds)
        records, _ = conn.parse_account_snapshots(conn.fetch_account_snapshots(TODAY), TODAY)
        assert len(records) == len(config.accounts_on("reddit"))
        assert http.session.headers["Authorization"] == "bearer s3cret"
        assert requests.post(f"{srv.url}/api/v1/access_token").status_code == 401  # no app credentials


def test_rate_limit_headers_read_like_reddits(server):
    response = requests.get(f"{server.url}/user/VeloraBikes/about")
    assert response.headers["x-ratelimit-remaining"].endswith(".0")
    assert (
        int(response.headers["x-ratelimit-used"]) >= 1
        and 0 <= int(response.headers["x-ratelimit-reset"]) <= 600
    )
    assert abs(email.utils.parsedate_to_datetime(response.headers["Date"]) - NOW) < dt.timedelta(minutes=5)
    missing = requests.get(f"{server.url}/user/nobody_at_all/about")
    assert missing.status_code == 404 and missing.json() == {"message": "Not Found", "error": 404}


# -- (d) faults are retried through -------------------------------------------------------------------------


def test_faults_are_retried_through_and_change_nothing(world, config, walked):
    faults = FaultConfig(
        seed=3, rate_429=0.08, rate_500=0.05, rate_502=0.03, rate_503=0.03, rate_truncated=0.06
    )
    waits: list[float] = []
    with SandboxServer(world, faults=faults) as srv:
        http = client(srv.url, sleep=waits.append, retry=RetryPolicy(max_attempts=8, base_delay=0.001))
        again = walk(connector(http, config))
    assert http.retries_made > 10 and 1 in waits  # Retry-After: 1 was honoured
    for key, records in walked.items():
        assert sorted(records, key=str) == sorted(again[key], key=str), key


def test_malformed_things_are_quarantined_and_the_rest_kept(world, config, walked):
    faults = FaultConfig(seed=4, malformed_records=0.05)
    with SandboxServer(world, faults=faults) as srv:
        conn = connector(client(srv.url), config)
        day = DAYS[1]
        for entity, pages in (("posts", conn.fetch_posts(day)), ("mentions", conn.fetch_mentions(day))):
            records, bad = getattr(conn, f"parse_{entity}")(pages, day)
            assert bad and all(b["reason"].startswith("ValueError: created_utc") for b in bad)
            assert all(faults.breaks_record(f"t3_{b['record_id']}") for b in bad)
            good = {str(r) for r in walked[entity, day]}
            assert records and all(str(r) in good for r in records)


def test_a_range_of_mentions_is_one_walk_with_each_days_records(server, world, config, walked):
    """fetch_mentions_range walks each search once back to the first day (a walk per day re-read the newer
    days each time); every day parses to exactly what its own walk gave, from fewer requests."""
    days = [TODAY - dt.timedelta(days=n) for n in range(8, 0, -1)]
    per_day_http, range_http = client(server.url), client(server.url)
    per_day, ranged = connector(per_day_http, config), connector(range_http, config)
    by_day = {d: per_day.parse_mentions(per_day.fetch_mentions(d), d) for d in days}
    pages = ranged.fetch_mentions_range(days)
    assert sorted(pages) == days
    for d in days:
        assert ranged.parse_mentions(pages[d], d) == by_day[d], d
        assert by_day[d][0], f"{d}: no mention in the sandbox that day, the comparison would prove nothing"
    assert range_http.requests_made < per_day_http.requests_made / 2, (
        range_http.requests_made,
        per_day_http.requests_made,
    )
    assert {str(r) for r in ranged.parse_mentions(pages[DAYS[1]], DAYS[1])[0]} == {
        str(r) for r in walked["mentions", DAYS[1]]
    }


def test_a_range_of_mentions_quarantines_what_each_days_walk_did(world, config):
    """Malformed things (undatable) land with every day whose walk reached them: none is lost."""
    days = [TODAY - dt.timedelta(days=n) for n in range(4, 0, -1)]
    faults = FaultConfig(seed=4, malformed_records=0.05)
    with SandboxServer(world, faults=faults) as srv:
        per_day, ranged = connector(client(srv.url), config), connector(client(srv.url), config)
        pages = ranged.fetch_mentions_range(days)
        for d in days:
            records, bad = ranged.parse_mentions(pages[d], d)
            want_records, want_bad = per_day.parse_mentions(per_day.fetch_mentions(d), d)
            assert records == want_records, d
            assert {b["record_id"] for b in want_bad} <= {b["record_id"] for b in bad}, d


def test_a_range_of_posts_is_one_walk_per_account_with_each_days_records(server, config):
    """fetch_posts_range walks each account's submissions once back to the first day (a walk per day re-read
    the newer days each time); every day parses to exactly what its own walk gave, from fewer requests."""
    days = [TODAY - dt.timedelta(days=n) for n in range(8, 0, -1)]
    per_day, ranged = connector(client(server.url), config), connector(client(server.url), config)
    assert_range_is_the_per_day_walks(per_day, ranged, "posts", days)


def test_a_range_of_posts_quarantines_what_each_days_walk_did(world, config):
    """Malformed things land with every day whose walk reached them: the quarantine is the per-day one."""
    days = [TODAY - dt.timedelta(days=n) for n in range(6, 0, -1)]
    with SandboxServer(world, faults=FaultConfig(seed=4, malformed_records=0.1)) as srv:
        per_day, ranged = connector(client(srv.url), config), connector(client(srv.url), config)
        wanted = assert_range_is_the_per_day_walks(per_day, ranged, "posts", days)
    assert any(bad for _, bad in wanted.values()), "nothing malformed: the test proves nothing"
