"""The simulated Bluesky AppView: its wire format against the recorded one, and the connector walking it over
HTTP finds exactly the world's ground truth (also through auth, depth cut-offs and injected faults)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import requests

from assets.brand_config import load_brand_config
from assets.ingest.bluesky import BlueskyConnector
from assets.ingest.http_core import ApiError, HttpCore
from assets.ingest.pseudonyms import Pseudonymizer
from sandbox import FaultConfig, SandboxServer, World, ground_truth
from tests.support.bluesky_replay import load_vcr
from tests.support.ranges import assert_range_is_the_per_day_walks

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "fixtures" / "recorded" / "bluesky"
NOW = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
DAYS = [NOW.date() - dt.timedelta(days=1), NOW.date() - dt.timedelta(days=2)]
CREDENTIALS = {"BLUESKY_HANDLE": "reader.bsky.social", "BLUESKY_APP_PASSWORD": "app-pass"}
# Paths the sandbox sends that the recordings happen not to show (all in the app.bsky lexicons):
ALLOWED_EXTRA = {
    "POST.record.facets[].features[].did",  # mention facets: no recorded post mentions anyone
}
# What the connector reads, per endpoint.
READ = {
    "feed": [
        "cursor", "feed[].post.uri", "feed[].post.author.did", "feed[].post.author.handle",
        "feed[].post.record.createdAt", "feed[].post.record.text", "feed[].post.record.langs[]",
        "feed[].post.indexedAt", "feed[].post.likeCount", "feed[].post.repostCount", "feed[].post.quoteCount",
        "feed[].post.replyCount", "feed[].post.record.facets[].features[].$type",
        "feed[].post.record.facets[].features[].tag",
    ],
    "thread": [
        "thread.$type", "thread.post.uri", "thread.post.author.did", "thread.post.record.createdAt",
        "thread.post.record.text", "thread.post.replyCount", "thread.post.likeCount", "thread.replies",
    ],
    "search": [
        "cursor", "posts[].uri", "posts[].author.did", "posts[].author.handle", "posts[].record.createdAt",
        "posts[].record.text", "posts[].record.facets[].features[].$type", "posts[].likeCount",
        "posts[].repostCount", "posts[].quoteCount", "posts[].replyCount", "posts[].indexedAt",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def config():
    return load_brand_config(ROOT / "brands.yaml")


@pytest.fixture(scope="module")
def world(config):
    return World(config, seed=42, now=NOW, history_days=40, platform="bluesky")


@pytest.fixture(scope="module")
def server(world):
    with SandboxServer(world) as srv:
        yield srv


def make(url: str, config, credentials=None, **http_kwargs) -> BlueskyConnector:
    http = HttpCore("bluesky", url, rate_limit_style="epoch", **http_kwargs)
    c = BlueskyConnector(http, config, Pseudonymizer("k"), lookback_days=7, credentials=credentials)
    c.session_host = url
    return c


def paths(body: object, prefix: str = "") -> set[str]:
    out = set()
    if isinstance(body, dict):
        for k, v in body.items():
            p = f"{prefix}.{k}" if prefix else k
            out |= {p} | paths(v, p)
    elif isinstance(body, list):
        out.add(prefix + "[]")
        for v in body:
            out |= paths(v, prefix + "[]")
    # Nested thread nodes have the top node's shape: compare them as the top node.
    return {re.sub(r"^thread(\.replies\[\])+", "thread", p) for p in out}


def post_paths(body: object) -> set[str]:
    """Paths with every post view named POST: a post has the same lexicon shape in a feed, a thread or search."""
    return {re.sub(r"^(feed\[\]\.post|posts\[\]|thread\.post)(?=\.|$)", "POST", p) for p in paths(body)}


def recorded(name: str) -> dict:
    return json.loads(load_vcr(RECORDED / name)[0]["response"]["body"]["string"])


def test_sandbox_fields_are_the_real_apis(server, world):
    brand = world.brand_accounts["brewbean"]
    s = requests.Session()
    base = f"{server.url}/xrpc/"
    feed = s.get(base + "app.bsky.feed.getAuthorFeed", params={"actor": brand.acct, "limit": 100}).json()
    post = next(i["post"] for i in feed["feed"] if i["post"]["replyCount"] and "reply" not in i)
    thread = s.get(
        base + "app.bsky.feed.getPostThread", params={"uri": post["uri"], "parentHeight": 0}
    ).json()
    search = s.get(base + "app.bsky.feed.searchPosts", params={"q": "#brewbean", "limit": 100}).json()
    pairs = (
        ("feed", recorded("f_autfeed.yml"), feed),
        ("thread", recorded("f_postthread.yml"), thread),
        ("search", recorded("f_search.yml"), search),
    )
    real_posts = set().union(*(post_paths(live) for _, live, _ in pairs))
    for name, live, sandboxed in pairs:
        assert set(READ[name]) <= paths(live) and set(READ[name]) <= paths(sandboxed), name
        extra = post_paths(sandboxed) - real_posts
        assert extra <= ALLOWED_EXTRA, (name, sorted(extra - ALLOWED_EXTRA))
    # Ids in Bluesky's own formats.
    assert re.fullmatch(r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[2-7a-z]{13}", post["uri"])
    assert re.fullmatch(r"bafyrei[a-z2-7]{52}", post["cid"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", feed["cursor"])
    # No recording of getProfile exists: the fields the connector reads, as the lexicon's profileViewDetailed.
    profile = s.get(base + "app.bsky.actor.getProfile", params={"actor": brand.acct}).json()
    assert {"did", "handle", "followersCount", "followsCount", "postsCount"} <= set(profile)
    errors = s.get(base + "app.bsky.actor.getProfile", params={"actor": "nobody.bsky.social"})
    assert errors.status_code == 400 and errors.json() == {
        "error": "InvalidRequest",
        "message": "Profile not found",
    }


def walk(connector: BlueskyConnector, day: dt.date) -> dict[tuple[str, str], int]:
    found: Counter = Counter()
    posts, bad = connector.parse_posts(connector.fetch_posts(day), day)
    assert bad == []
    found.update((p["brand_id"], "posts") for p in posts)
    comments, bad = connector.parse_comments(connector.fetch_comments([day])[day], day)
    assert bad == []
    for c in comments:
        found[c["brand_id"], "comments"] += 1
        found[
            c["brand_id"], "comments_from_brand" if c["is_from_tracked_account"] else "comments_from_members"
        ] += 1
    mentions, bad = connector.parse_mentions(connector.fetch_mentions(day), day)
    assert bad == []
    assert len({(m["mention_id"], m["matched_brand"]) for m in mentions}) == len(mentions)
    found.update((m["matched_brand"], "mentions") for m in mentions)
    assert all(m["author_followers"] is not None for m in mentions)  # filled from getProfiles
    return found


METRICS = ("posts", "comments", "comments_from_members", "comments_from_brand", "mentions")


@pytest.mark.parametrize("day", DAYS)
def test_walking_the_sandbox_finds_the_ground_truth(server, world, config, day):
    connector = make(server.url, config)
    if day == DAYS[1]:
        connector.thread_depth = 1  # every reply to a reply sits past the cut: its subtree is asked for apart
    found = walk(connector, day)
    if connector.thread_depth == 1:
        threads = [p for p in connector.fetch_comments([day])[day] if p.kind == "thread"]
        assert len(threads) > len({p.context["post_id"] for p in threads})  # cut-off subtrees were fetched
    truth = {(r["brand_id"], r["metric"]): r["value"] for r in ground_truth(world, day, day)}
    for bid in config.brands:
        for metric in METRICS:
            assert found[bid, metric] == truth[bid, metric], (bid, metric)
    assert sum(found[b, "comments"] for b in config.brands) > 20 and sum(
        found[b, "mentions"] for b in config.brands
    )


def test_snapshots_are_the_followers_of_now(server, world, config):
    c = make(server.url, config)
    records, bad = c.parse_account_snapshots(c.fetch_account_snapshots(NOW.date()), NOW.date())
    truth = {
        r["brand_id"]: r["value"]
        for r in ground_truth(world, NOW.date(), NOW.date())
        if r["metric"] == "followers"
    }
    assert bad == [] and {r["brand_id"]: r["followers"] for r in records} == truth


def test_a_configured_token_is_required_and_a_session_provides_it(world, config):
    day = DAYS[0]
    with SandboxServer(world, access_token="s3cret") as srv:
        with pytest.raises(ApiError) as refused:
            make(srv.url, config).fetch_account_snapshots(day)
        assert refused.value.status == 401 and refused.value.cause == "AuthMissing"
        c = make(srv.url, config, credentials=CREDENTIALS)
        pages = c.fetch_account_snapshots(day)
        assert len(pages) == len(config.accounts_on("bluesky"))
        assert all("s3cret" not in json.dumps(p.__dict__) for p in pages)  # never landed


def test_faults_are_retried_through_with_the_same_result(world, config):
    day = DAYS[0]
    with SandboxServer(world) as srv:
        clean = make(srv.url, config)
        expected = clean.parse_mentions(clean.fetch_mentions(day), day)[0]
        expected_comments = clean.parse_comments(clean.fetch_comments([day])[day], day)[0]
    faults = FaultConfig(
        seed=7, rate_429=0.08, rate_500=0.04, rate_502=0.04, rate_503=0.04, rate_truncated=0.08
    )
    with SandboxServer(world, faults=faults) as srv:
        c = make(srv.url, config, sleep=lambda s: None)
        got = c.parse_mentions(c.fetch_mentions(day), day)[0]
        got_comments = c.parse_comments(c.fetch_comments([day])[day], day)[0]
        assert c.http.retries_made > 5
    key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731
    assert sorted(map(key, got)) == sorted(map(key, expected))
    assert sorted(map(key, got_comments)) == sorted(map(key, expected_comments))


def test_a_range_of_posts_is_one_feed_walk_per_account_with_each_days_records(server, config):
    """fetch_posts_range walks each author feed once back to the first day (a walk per day re-read the
    newer days each time); every day parses to exactly what its own walk gave, from fewer requests."""
    days = [NOW.date() - dt.timedelta(days=n) for n in range(8, 0, -1)]
    assert_range_is_the_per_day_walks(make(server.url, config), make(server.url, config), "posts", days)


def test_a_range_of_posts_quarantines_what_each_days_walk_did(world, config):
    """Malformed items land with every day whose walk reached them: the quarantine is the per-day one."""
    days = [NOW.date() - dt.timedelta(days=n) for n in range(6, 0, -1)]
    with SandboxServer(world, faults=FaultConfig(seed=4, malformed_records=0.1)) as srv:
        wanted = assert_range_is_the_per_day_walks(
            make(srv.url, config), make(srv.url, config), "posts", days
        )
    assert any(bad for _, bad in wanted.values()), "nothing malformed: the test proves nothing"
