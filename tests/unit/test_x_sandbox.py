"""The simulated X API against the real one (recorded responses) and against its own ground truth, walked
over HTTP by the pipeline's X connector."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections import Counter
from pathlib import Path

import pytest
import requests

from assets.brand_config import BrandConfig, load_brand_config, parse_brand_config
from assets.ingest.http_core import ApiError, HttpCore
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.x import TWEET_FIELDS, SearchWindowError, XConnector, id_time
from sandbox import FaultConfig, SandboxServer, World, ground_truth
from sandbox.x_api import world_id, x_id
from tests.support.x_replay import body_text, load_interactions

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "fixtures" / "recorded" / "twitter"
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DAYS = [TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)]


@pytest.fixture(scope="module")
def config() -> BrandConfig:
    return load_brand_config(ROOT / "brands.yaml")


@pytest.fixture(scope="module")
def world(config) -> World:
    return World(config, seed=42, now=NOW, history_days=40, platform="x")


@pytest.fixture(scope="module")
def server(world):
    with SandboxServer(world) as srv:
        yield srv


def make_connector(url: str, config: BrandConfig, **http_kwargs) -> XConnector:
    http = HttpCore("x", url, rate_limit_style="epoch", **http_kwargs)
    return XConnector(http, config, Pseudonymizer("test-key"))


# -- (a) field paths: the sandbox against the recorded responses ------------------------------------------


def paths(value, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in paths(v, f"{prefix}.{k}" if prefix else k)}
    if isinstance(value, list):
        return {p for v in value for p in paths(v, f"{prefix}[]")} or {f"{prefix}[]"}
    return {prefix}


def recorded(name: str) -> dict:
    return json.loads(body_text(load_interactions(CASSETTES / name)[0]["response"]))


V1_STATUSES = json.loads(
    load_interactions(CASSETTES / "testsearchtweets.json")[0]["response"]["body"]["string"]
)["statuses"]
RECORDED_V2 = (
    "test_client_get_users_tweets.yaml",
    "test_client_search_recent_tweets.yaml",
    "test_client_get_users_mentions.yaml",
)
# Paths the sandbox sends that no recording has: the recorded v2 requests asked for no tweet.fields,
# expansions or user.fields. Each is X's documented v2 field for the data the v1.1 recording carries under
# the name given (None: v2 only, no v1.1 counterpart).
ALLOWED = {
    "data[].created_at": "created_at",
    "data[].author_id": "user.id_str",
    "data[].conversation_id": None,
    "data[].in_reply_to_user_id": "in_reply_to_user_id_str",
    "data[].referenced_tweets[].type": "in_reply_to_status_id_str",
    "data[].referenced_tweets[].id": "in_reply_to_status_id_str",
    "data[].lang": "lang",
    "data[].entities.hashtags[].start": "entities.hashtags[].indices[]",
    "data[].entities.hashtags[].end": "entities.hashtags[].indices[]",
    "data[].entities.hashtags[].tag": "entities.hashtags[].text",
    "data[].entities.mentions[].start": "entities.user_mentions[].indices[]",
    "data[].entities.mentions[].end": "entities.user_mentions[].indices[]",
    "data[].entities.mentions[].username": "entities.user_mentions[].screen_name",
    "data[].entities.mentions[].id": "entities.user_mentions[].id_str",
    "data[].public_metrics.like_count": "favorite_count",
    "data[].public_metrics.retweet_count": "retweet_count",
    "data[].public_metrics.reply_count": None,
    "data[].public_metrics.quote_count": None,
    "data[].public_metrics.bookmark_count": None,
    "data[].public_metrics.impression_count": None,
    "includes.users[].id": "user.id_str",
    "includes.users[].name": "user.name",
    "includes.users[].username": "user.screen_name",
    "includes.users[].public_metrics.followers_count": "user.followers_count",
    "includes.users[].public_metrics.following_count": "user.friends_count",
    "includes.users[].public_metrics.tweet_count": "user.statuses_count",
    "includes.users[].public_metrics.listed_count": "user.listed_count",
    # /2/users/by/username: no recording at all
    "data.id": "user.id_str",
    "data.name": "user.name",
    "data.username": "user.screen_name",
    "data.public_metrics.followers_count": "user.followers_count",
    "data.public_metrics.following_count": "user.friends_count",
    "data.public_metrics.tweet_count": "user.statuses_count",
    "data.public_metrics.listed_count": "user.listed_count",
}
# What the connector reads from tweet pages (parse_* and the pagination strategy).
CONNECTOR_READS = {
    "data[].id", "data[].text", "data[].created_at", "data[].author_id", "data[].lang",
    "data[].referenced_tweets[].type", "data[].referenced_tweets[].id", "data[].entities.hashtags[].tag",
    "data[].entities.mentions[].username", "data[].public_metrics.like_count",
    "data[].public_metrics.retweet_count", "data[].public_metrics.reply_count",
    "data[].public_metrics.impression_count", "includes.users[].id", "includes.users[].username",
    "includes.users[].public_metrics.followers_count", "meta.next_token", "data.id", "data.username",
    "data.public_metrics.followers_count", "data.public_metrics.following_count",
    "data.public_metrics.tweet_count",
}  # fmt: skip


def test_without_fields_the_sandbox_sends_exactly_the_recorded_paths(server, world):
    brand = x_id(world.brand_accounts["brewbean"].id)
    timeline = requests.get(f"{server.url}/2/users/{brand}/tweets", timeout=10).json()
    search = requests.get(f"{server.url}/2/tweets/search/recent", {"query": "BrewBean"}, timeout=10).json()
    assert paths(timeline) == paths(recorded("test_client_get_users_tweets.yaml"))
    assert paths(search) == paths(recorded("test_client_search_recent_tweets.yaml"))
    assert paths(search) == paths(recorded("test_client_get_users_mentions.yaml"))
    assert len(timeline["data"]) == 10  # X's default max_results


def test_with_the_connectors_fields_every_extra_path_is_documented_and_real(server, world, config):
    c = make_connector(server.url, config)
    mentions = c.fetch_mentions(DAYS[0])
    comments = c.fetch_comments([DAYS[0]])[DAYS[0]]
    seen = set().union(*(paths(p.json()) for p in [*mentions, *comments]))
    real = set().union(*(paths(recorded(n)) for n in RECORDED_V2))
    assert seen - real <= set(ALLOWED), sorted(seen - real - set(ALLOWED))
    assert seen >= CONNECTOR_READS and real | set(ALLOWED) >= CONNECTOR_READS
    v1 = set().union(*(paths(s) for s in V1_STATUSES))
    assert {v for v in ALLOWED.values() if v} <= v1
    assert "entities.hashtags[].text" in v1 and "entities.user_mentions[].screen_name" in v1


def test_snowflake_ids_encode_their_time_like_real_ones(server, world):
    for status in V1_STATUSES:  # real ids from 2019 and their created_at
        minted = id_time(status["id_str"])
        stated = email.utils.parsedate_to_datetime(status["created_at"])
        assert dt.timedelta(0) <= minted - stated < dt.timedelta(seconds=1)
    for st in world.statuses_on(DAYS[0])[:50]:
        assert world_id(x_id(st.id)) == st.id
        assert id_time(str(x_id(st.id))) == dt.datetime.fromtimestamp(st.ms / 1000, dt.UTC)


# -- (b) ground truth = what the connector finds over HTTP ------------------------------------------------


def test_connector_walk_gives_the_ground_truth(server, world, config):
    c = make_connector(server.url, config)
    truth = {
        (r["brand_id"], r["day"], r["metric"]): r["value"] for r in ground_truth(world, DAYS[0], DAYS[1])
    }
    comments_by_day = c.fetch_comments(DAYS)
    by_xid = {x_id(s.id): s for d in DAYS for s in world.statuses_on(d)}
    for day in DAYS:
        key = day.isoformat()
        posts, bad = c.parse_posts(c.fetch_posts(day), day)
        assert bad == [] and len({p["post_id"] for p in posts}) == len(posts)
        comments, bad = c.parse_comments(comments_by_day[day], day)
        assert bad == [] and len({r["comment_id"] for r in comments}) == len(comments)
        mentions, bad = c.parse_mentions(c.fetch_mentions(day), day)
        assert bad == [] and len({(m["mention_id"], m["matched_brand"]) for m in mentions}) == len(mentions)
        posted = Counter(p["brand_id"] for p in posts)
        replied = Counter(r["brand_id"] for r in comments)
        by_brand = Counter(r["brand_id"] for r in comments if r["is_from_tracked_account"])
        named = Counter(m["matched_brand"] for m in mentions)
        for bid in config.brands:
            assert posted[bid] == truth[bid, key, "posts"], (bid, day)
            assert replied[bid] == truth[bid, key, "comments"], (bid, day)
            assert by_brand[bid] == truth[bid, key, "comments_from_brand"], (bid, day)
            assert replied[bid] - by_brand[bid] == truth[bid, key, "comments_from_members"], (bid, day)
            assert named[bid] == truth[bid, key, "mentions"], (bid, day)
        assert sum(named.values()) > 50 and sum(replied.values()) > 20
        for r in comments:  # reply parents and thread roots are the world's
            st = by_xid[int(r["comment_id"])]
            assert r["parent_id"] == str(x_id(st.parent.id)) and r["post_id"] == str(x_id(st.root.id))
            assert r["author_handle"] is None or r["is_from_tracked_account"]
        assert any(r["parent_id"] != r["post_id"] for r in comments)  # nested replies exist
        assert all(p["view_count"] is not None and p["url"].startswith("https://x.com/") for p in posts)
    snapshots, bad = c.parse_account_snapshots(c.fetch_account_snapshots(TODAY), TODAY)
    today = {
        r["brand_id"]: r["value"] for r in ground_truth(world, TODAY, TODAY) if r["metric"] == "followers"
    }
    assert bad == [] and {s["brand_id"]: s["followers"] for s in snapshots} == today


# -- the 7 days of recent search ------------------------------------------------------------------------


def test_days_beyond_recent_search_fail_loudly_and_the_api_refuses_them(server, world, config):
    c = make_connector(server.url, config)
    old = TODAY - dt.timedelta(days=7)  # starts 6 h before the 7-day limit: only part of it is reachable
    with pytest.raises(SearchWindowError, match=f"{old.isoformat()}.*7 days"):
        c.fetch_mentions(old)
    with pytest.raises(SearchWindowError, match=old.isoformat()):
        c.fetch_comments([old, TODAY - dt.timedelta(days=1)])
    assert c.parse_posts(c.fetch_posts(old), old)[0]  # the user timeline has no such limit
    refused = requests.get(
        f"{server.url}/2/tweets/search/recent",
        {"query": "BrewBean", "start_time": f"{old.isoformat()}T00:00:00Z"},
        timeout=10,
    )
    assert refused.status_code == 400 and refused.json()["title"] == "Invalid Request"
    assert "'start_time' must be on or after 2026-11-13T06:" in refused.json()["errors"][0]["message"]
    too_recent = requests.get(
        f"{server.url}/2/tweets/search/recent",
        {"query": "BrewBean", "end_time": f"{TODAY.isoformat()}T07:00:00Z"},
        timeout=10,
    )
    assert too_recent.status_code == 400 and "10 seconds" in too_recent.json()["errors"][0]["message"]


def test_an_intraday_poll_reads_whole_threads_as_far_back_as_search_reaches(server, world, config):
    """The daily run of today reads today's replies only; a poll (whole_threads) also needs the older
    replies of the lookback's threads (an unanswered comment of yesterday), back to where search reaches."""
    from assets.ingest.records import whole_threads

    def starts(pages) -> set[str]:
        return {p.url.split("start_time=")[1].split("&")[0] for p in pages if p.kind == "conversation"}

    c = make_connector(server.url, config)
    daily = c.fetch_comments([TODAY])[TODAY]
    with whole_threads():
        polled = c.fetch_comments([TODAY])[TODAY]
    assert starts(daily) == {f"{TODAY.isoformat()}T00:00:00Z"}
    (start,) = starts(polled)  # the server's now less 7 days, plus the connector's 5-minute margin
    assert start.startswith(f"{(TODAY - dt.timedelta(days=7)).isoformat()}T06:05:")
    for back in (1, 2, 6):  # days before today: the poll holds what the daily run of that day read under
        day = TODAY - dt.timedelta(days=back)  # the posts of today's lookback
        ids = {r["comment_id"] for r in c.parse_comments(polled, day)[0]}
        read = c.parse_comments(c.fetch_comments([day])[day], day)[0]
        assert ids == {r["comment_id"] for r in read if c.in_lookback(TODAY, id_time(r["post_id"]))}, day
        assert ids and not c.parse_comments(daily, day)[0]
    assert c.parse_comments(polled, TODAY)[0] == c.parse_comments(daily, TODAY)[0]


def test_unknown_users_are_200_with_errors_and_the_connector_says_so(server, config):
    found = requests.get(f"{server.url}/2/users/by/username/nobody_here", timeout=10)
    assert found.status_code == 200 and found.json()["errors"][0]["title"] == "Not Found Error"
    ghost = parse_brand_config(
        {"brands": {"ghost": {"accounts": {"x": "nobody_here"}, "keywords": ["ghost"]}}}
    )
    with pytest.raises(ApiError, match=r"Could not find user with username: \[nobody_here\]"):
        make_connector(server.url, ghost).fetch_account_snapshots(TODAY)


# -- (c) auth, (d) faults and rate limits -----------------------------------------------------------------


def test_a_configured_token_is_required(world, config):
    with SandboxServer(world, access_token="s3cret") as srv:
        denied = requests.get(f"{srv.url}/2/users/by/username/BrewBean", timeout=10)
        assert denied.status_code == 401 and denied.json()["title"] == "Unauthorized"
        assert "x-rate-limit-limit" in denied.headers
        with pytest.raises(ApiError, match="HTTP 401"):
            make_connector(srv.url, config).fetch_account_snapshots(TODAY)
        snapshots = make_connector(srv.url, config, token="s3cret").fetch_account_snapshots(TODAY)
        assert len(snapshots) == len(config.accounts_on("x"))


def test_faults_are_retried_through_and_change_nothing(server, world, config):
    day = DAYS[1]
    clean = make_connector(server.url, config)
    want_posts = clean.parse_posts(clean.fetch_posts(day), day)
    want_mentions = clean.parse_mentions(clean.fetch_mentions(day), day)
    faults = FaultConfig(
        seed=11, rate_429=0.1, rate_500=0.1, rate_502=0.05, rate_503=0.05, rate_truncated=0.1
    )
    sleeps: list[float] = []
    with SandboxServer(world, faults=faults) as srv:
        c = make_connector(srv.url, config, sleep=sleeps.append)
        got_posts = c.parse_posts(c.fetch_posts(day), day)
        got_mentions = c.parse_mentions(c.fetch_mentions(day), day)
        met = {faults.fault_for(n) for n in range(1, srv.api.limiter._count + 1)}
    assert got_posts == want_posts and got_mentions == want_mentions and len(got_mentions[0]) > 20
    assert {"429", "500", "502", "503", "truncated"} <= met  # every kind was met and retried through
    assert c.http.retries_made >= 5 and len(sleeps) >= c.http.retries_made


def test_a_429_is_waited_out_until_x_rate_limit_reset(world):
    def plan(seed):
        return FaultConfig(seed=seed, rate_429=0.5, retry_after_seconds=3)

    seed = next(s for s in range(500) if plan(s).fault_for(1) == "429" and plan(s).fault_for(2) is None)
    with SandboxServer(world, faults=plan(seed)) as srv:
        refused = requests.get(f"{srv.url}/2/users/by/username/BrewBean", timeout=10)
    assert refused.status_code == 429 and refused.json()["title"] == "Too Many Requests"
    assert "Retry-After" not in refused.headers and refused.headers["x-rate-limit-remaining"] == "0"
    sleeps: list[float] = []
    with SandboxServer(world, faults=plan(seed)) as srv:
        http = HttpCore("x", srv.url, rate_limit_style="epoch", sleep=sleeps.append)
        resp = http.get("/2/users/by/username/BrewBean")
    assert resp.json()["data"]["username"] == "BrewBean"
    # One wait, read from the epoch reset (2 to 3 s away when sent), not the short exponential back-off.
    # (A fake sleep lets no time pass, so the client's pacing then waits for the same reset once more.)
    assert 2.0 <= sleeps[0] <= 3.0 and all(2.0 <= s <= 3.0 for s in sleeps)


def test_rate_limit_headers_are_x_style(world):
    from sandbox import RateLimit

    with SandboxServer(world, rate_limit=RateLimit(limit=2, period_seconds=900)) as srv:
        seen = [requests.get(f"{srv.url}/2/users/by/username/BrewBean", timeout=10) for _ in range(3)]
    assert [r.headers["x-rate-limit-remaining"] for r in seen] == ["1", "0", "0"]
    assert seen[2].status_code == 429 and int(seen[0].headers["x-rate-limit-reset"]) % 900 == 0
    assert all(r.headers["x-rate-limit-limit"] == "2" for r in seen)
    assert abs(email.utils.parsedate_to_datetime(seen[0].headers["Date"]) - NOW) < dt.timedelta(minutes=5)


def test_pages_chain_by_next_token_without_gaps_or_repeats(server, world):
    brand = world.brand_accounts["velora"]
    url = f"{server.url}/2/users/{x_id(brand.id)}/tweets"
    params = {"max_results": 5, "tweet.fields": TWEET_FIELDS}
    ids: list[str] = []
    while True:
        body = requests.get(url, params, timeout=10).json()
        ids += [t["id"] for t in body.get("data", [])]
        if "next_token" not in body["meta"]:
            assert body["meta"] == {"result_count": 0}  # a timeline ends on an empty page
            break
        params["pagination_token"] = body["meta"]["next_token"]
    expected = [
        str(x_id(s.id))
        for d in reversed(list(world.days()))
        for s in reversed(world.day(d).by_account.get(brand.id, []))
    ]
    assert ids == expected and len(ids) > 100
