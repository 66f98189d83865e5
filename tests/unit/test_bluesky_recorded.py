"""The Bluesky connector on responses the real service sent (bskyr's recorded cassettes, 2025-05-19)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from assets.brand_config import parse_brand_config
from assets.ingest.bluesky import BlueskyConnector, _cut_off, _walk
from assets.ingest.http_core import ApiError, HttpCore, RetryPolicy, cursor_in_body
from assets.ingest.landing import LandedPage
from assets.ingest.pseudonyms import Pseudonymizer
from tests.support.bluesky_replay import BlueskyReplayServer, load_vcr

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "bluesky"
FEED, THREAD, SEARCH = CASSETTES / "f_autfeed.yml", CASSETTES / "f_postthread.yml", CASSETTES / "f_search.yml"
HANDLE, DID = "chriskenny.bsky.social", "did:plc:wpe35pganb6d4pg4ekmfy6u5"
# What the connector adds to the recorded requests without changing which page comes back.
IGNORED = ("limit", "filter", "depth", "parentHeight", "since", "until", "sort")
RESET = 1747676784  # RateLimit-Reset in every recording (epoch seconds)


def connector(http: HttpCore, keywords=(), handle: str | None = HANDLE) -> BlueskyConnector:
    accounts = {"bluesky": handle} if handle else {"x": "someone"}
    config = parse_brand_config({"brands": {"acme": {"accounts": accounts, "keywords": list(keywords)}}})
    return BlueskyConnector(http, config, Pseudonymizer("test-key"))


def recorded_body(path: Path) -> dict:
    return json.loads(load_vcr(path)[0]["response"]["body"]["string"])


def landed(resp, entity: str, kind: str, context: dict, day=dt.date(2025, 5, 19)) -> LandedPage:
    return LandedPage.of(resp, "bluesky", entity, day, kind, context)


def feed_pages(start_day: dt.date, **http_kwargs) -> tuple[list[LandedPage], BlueskyReplayServer, HttpCore]:
    with BlueskyReplayServer(FEED, ignored=IGNORED) as server:
        http = HttpCore("bluesky", server.url, rate_limit_style="epoch", **http_kwargs)
        start = dt.datetime.combine(start_day, dt.time(), dt.UTC)
        pages = [
            landed(r, "posts", "feed", {"brand_id": "acme"})
            for r in connector(http)._feed_since(HANDLE, start)
        ]
    return pages, server, http


def all_posts(pages: list[LandedPage]) -> list[dict]:
    """Every record of the page, parsing each day the page covers."""
    c = connector(None)
    items = [i for p in pages for i in p.json()["feed"]]
    days = {dt.date.fromisoformat(i["post"]["record"]["createdAt"][:10]) for i in items}
    days |= {dt.date.fromisoformat(i["reason"]["indexedAt"][:10]) for i in items if "reason" in i}
    out = []
    for day in sorted(days):
        records, bad = c.parse_posts(pages, day)
        assert bad == []
        out += records
    return out


def test_author_feed_classifies_posts_replies_reposts_and_quotes():
    pages, server, _ = feed_pages(dt.date(2024, 3, 23))  # the page reaches before this day: no next page
    assert len(server.hits) == 1 and "filter=posts_no_replies" in server.hits[0]
    records = all_posts(pages)
    assert len(records) == 50 and len({r["post_id"] for r in records}) == 50  # each once, on its day
    kinds = Counter(r["post_type"] for r in records)
    # 24 replies and 7 reposts as recorded; 7 of the 19 originals embed another post (quotes).
    assert kinds == {"reply": 24, "repost": 7, "quote": 7, "post": 12}
    for r in records:
        assert r["account_id"] == DID and r["account_handle"] == HANDLE  # the reposter, for reposts
        assert r["view_count"] is None  # Bluesky reports no impressions
        assert r["created_at"].tzinfo is not None
        assert r["url"].startswith("https://bsky.app/profile/")
    reposts = [r for r in records if r["post_type"] == "repost"]
    # A repost is dated when it was made (reason.indexedAt), not when the reposted post was written.
    hrbr = next(r for r in reposts if r["created_at"].date() == dt.date(2024, 5, 2))
    assert hrbr["post_id"].startswith(f"repost:{DID}:at://") and hrbr["like_count"] is None
    posts = [r for r in records if r["post_type"] != "repost"]
    assert all(r["post_id"].startswith(f"at://{DID}/app.bsky.feed.post/") for r in posts)
    assert all(isinstance(r["like_count"], int) and isinstance(r["share_count"], int) for r in posts)


def test_a_day_keeps_only_what_was_created_that_utc_day():
    pages, _, _ = feed_pages(dt.date(2025, 3, 23))
    records, bad = connector(None).parse_posts(pages, dt.date(2025, 3, 23))
    assert bad == []
    # 5 of the account's own items plus the repost made at 13:05 (of a post written at 11:08).
    assert sorted(r["created_at"].strftime("%H:%M:%S") for r in records) == [
        "00:19:02", "13:05:37", "15:39:58", "17:20:56", "17:21:38", "17:36:18",
    ]  # fmt: skip
    assert Counter(r["post_type"] for r in records) == {"reply": 3, "post": 2, "repost": 1}


def test_reply_and_share_counts_are_the_recorded_ones():
    pages, _, _ = feed_pages(dt.date(2025, 5, 5))
    (record,) = connector(None).parse_posts(pages, dt.date(2025, 5, 5))[0]
    assert record["post_id"] == f"at://{DID}/app.bsky.feed.post/3lof7sovfok2h"
    assert (record["reply_count"], record["like_count"], record["share_count"]) == (1, 0, 0)
    assert record["lang"] == "en" and record["text"].startswith("If you’re running this on GHA")


def test_the_feed_is_followed_through_the_body_cursor():
    # A day older than the page's last item: the walk must ask for the next page with the body's cursor.
    # That page was not recorded, so the replay server refuses it and the error names the endpoint.
    with BlueskyReplayServer(FEED, ignored=IGNORED) as server:
        http = HttpCore("bluesky", server.url, rate_limit_style="epoch")
        start = dt.datetime(2024, 3, 21, tzinfo=dt.UTC)
        with pytest.raises(ApiError, match="getAuthorFeed.*400"):
            list(connector(http)._feed_since(HANDLE, start))
    assert len(server.hits) == 2 and "cursor=2024-03-21T23%3A36%3A16.378Z" in server.hits[1]


def test_rate_limit_headers_are_read_as_epoch_seconds_and_pace_the_next_call():
    now = RESET - 120.0
    slept: list[float] = []
    # Slow down below 99.9% left, so the recorded 2994 of 3000 is already "low": the next call waits.
    policy = RetryPolicy(slow_down_below=0.999)
    with BlueskyReplayServer(FEED, THREAD, ignored=IGNORED) as server:
        http = HttpCore(
            "bluesky",
            server.url,
            rate_limit_style="epoch",
            retry=policy,
            sleep=slept.append,
            clock=lambda: now,
        )
        http.get("/xrpc/app.bsky.feed.getAuthorFeed", {"actor": HANDLE})
        assert (http._rate.limit, http._rate.remaining, http._rate.reset_at) == (3000, 2994, RESET)
        assert slept == []
        http.get(
            "/xrpc/app.bsky.feed.getPostThread",
            {"uri": "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s"},
        )
    assert slept == [pytest.approx(120.0 / 2995)]  # the window's rest spread over the calls left


def test_a_thread_without_replies_gives_no_comments_in_one_request():
    uri = "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s"
    with BlueskyReplayServer(THREAD, ignored=IGNORED) as server:
        http = HttpCore("bluesky", server.url)
        responses = connector(http)._thread(uri)
    assert len(responses) == 1 and "depth=10" in server.hits[0] and "parentHeight=0" in server.hits[0]
    page = landed(responses[0], "comments", "thread", {"brand_id": "acme", "post_id": uri})
    assert connector(http).parse_comments([page], dt.date(2023, 9, 19)) == ([], [])


def _reply(template: dict, rkey: str, parent: str, root: str, created: str, **node) -> dict:
    post = copy.deepcopy(template)
    post["uri"] = f"at://did:plc:member{rkey}/app.bsky.feed.post/{rkey}"
    post["author"] = {**post["author"], "did": f"did:plc:member{rkey}", "handle": f"m{rkey}.bsky.social"}
    post["record"] = {
        **post["record"],
        "createdAt": created,
        "reply": {"parent": {"uri": parent, "cid": "x"}, "root": {"uri": root, "cid": "x"}},
    }
    return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, **node}


def test_nested_replies_missing_nodes_and_depth_cut_offs():
    """A tree built from the recorded post view: nested replies, a deleted and a blocked reply, and a node at
    the depth limit (replies counted but not included), whose subtree comes back in its own page."""
    body = recorded_body(THREAD)
    root = body["thread"]["post"]
    r = root["uri"]
    cut = _reply(root, "c", r, r, "2023-09-20T10:00:00Z")
    cut["post"]["replyCount"] = 1
    deep = _reply(root, "d", cut["post"]["uri"], r, "2023-09-20T11:00:00.5+02:00", replies=[])
    body["thread"]["replies"] = [
        _reply(
            root,
            "a",
            r,
            r,
            "2023-09-20T08:00:00Z",
            replies=[
                _reply(
                    root,
                    "b",
                    "at://did:plc:membera/app.bsky.feed.post/a",
                    r,
                    "2023-09-20T09:00:00Z",
                    replies=[],
                )
            ],
        ),  # noqa: E501
        {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://gone", "notFound": True},
        {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://hidden", "blocked": True, "author": {}},
        cut,
        _reply(root, "y", r, r, "2023-09-19T23:59:59.999Z", replies=[]),  # the day before
    ]
    subtree = {"thread": {**copy.deepcopy(cut), "replies": [deep]}}
    with BlueskyReplayServer(THREAD) as server:
        http = HttpCore("bluesky", server.url)
        resp = http.get(
            "/xrpc/app.bsky.feed.getPostThread",
            {"uri": "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s"},
        )
    ctx = {"brand_id": "acme", "post_id": r}
    pages = [landed(resp, "comments", "thread", ctx), landed(resp, "comments", "thread", ctx)]
    pages[0].body, pages[1].body = json.dumps(body), json.dumps(subtree)
    c = connector(http, handle=None)
    records, bad = c.parse_comments(pages, dt.date(2023, 9, 20))
    assert bad == []
    by_id = {x["comment_id"].rsplit("/", 1)[-1]: x for x in records}
    assert sorted(by_id) == ["a", "b", "c", "d"]  # each once, though "c" heads two pages
    assert by_id["b"]["parent_id"].endswith("/a") and by_id["d"]["parent_id"].endswith("/c")
    assert all(x["post_id"] == r for x in records)
    assert by_id["d"]["created_at"] == dt.datetime(2023, 9, 20, 9, 0, 0, 500000, tzinfo=dt.UTC)
    assert all(x["author_id"].startswith("p_") and x["author_handle"] is None for x in records)
    assert not any(x["is_from_tracked_account"] for x in records)
    # The connector would ask for the cut-off node's subtree: it has replies but no `replies` key.
    assert [n["post"]["uri"][-1] for n in _walk(body["thread"]) if _cut_off(n)] == ["c"]


def test_search_results_become_keyword_mentions():
    with BlueskyReplayServer(SEARCH, ignored=IGNORED) as server:
        http = HttpCore("bluesky", server.url)
        c = connector(http, keywords=["redistricting"], handle=None)
        params = {
            "q": "redistricting",
            "since": "2025-05-18T23:00:00.000Z",
            "until": "2025-05-20T00:00:00.000Z",
        }
        resp = http.get("/xrpc/app.bsky.feed.searchPosts", {**params, "sort": "latest", "limit": 100})
    # The next page is asked for with the body's cursor (an offset), the rest of the query unchanged.
    assert cursor_in_body(("cursor",), "cursor")(resp)[1]["cursor"] == "25"
    page = landed(resp, "mentions", "search", {"brand_id": "acme", "term": "redistricting"})
    records, bad = c.parse_mentions([page, page], dt.date(2025, 5, 19))  # the same page twice
    assert bad == []
    assert len(records) == 25 and len({r["mention_id"] for r in records}) == 25
    for r in records:
        assert (
            r["matched_brand"] == "acme"
            and r["match_type"] == "keyword"
            and r["matched_term"] == "redistricting"
        )
        assert r["author_id"].startswith("p_") and r["author_handle"] is None
        assert r["author_followers"] is None  # search shows no follower counts; no profiles page landed
        assert r["created_at"].date() == dt.date(2025, 5, 19)
    tagged = {r["created_at"].strftime("%H:%M"): r["hashtags"] for r in records}
    assert tagged["00:16"] == ["txlege"]  # from the tag facet
    # "#sociology" written by a bot without a tag facet is not a hashtag on Bluesky (not indexed as one).
    assert tagged["17:10"] == [] and "#sociology" in next(r["text"] for r in records if r["hashtags"] == [])
    # Another day: nothing, and nothing quarantined.
    assert c.parse_mentions([page], dt.date(2025, 5, 18)) == ([], [])


def test_malformed_items_are_quarantined_with_their_uri():
    pages, _, _ = feed_pages(dt.date(2025, 5, 5))
    body = pages[0].json()
    first = body["feed"][0]
    broken = copy.deepcopy(first)
    del broken["post"]["author"]
    body["feed"] = [first, broken, "not an object"]
    pages[0].body = json.dumps(body)
    records, bad = connector(None).parse_posts(pages, dt.date(2025, 5, 5))
    assert len(records) == 1
    assert sorted(b["reason"].split(" ")[0] for b in bad) == ["ValueError:", "missing"]
    assert any(b["record_id"] == first["post"]["uri"] for b in bad)
