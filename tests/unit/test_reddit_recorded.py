"""The Reddit connector on responses reddit.com really sent (PRAW's recorded betamax cassettes)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from assets.brand_config import parse_brand_config
from assets.ingest.http_core import ApiError, HttpCore
from assets.ingest.landing import LandedPage
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.reddit import RATE_LIMIT_STYLE, USER_AGENT, RedditConnector, http_options, newest_first
from tests.support.reddit_replay import RedditReplayServer, load_betamax

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "reddit"
NEW = CASSETTES / "TestSubredditListings.test_new.json"
STREAM = CASSETTES / "TestSubredditStreams.test_comments__with_continue_after_id.json"
INBOX = CASSETTES / "TestInbox.test_mentions.json"
UTC = dt.UTC
CLOCK = 1_000_000.0  # a fake clock: rate-limit resets are read relative to it


def client(url: str) -> HttpCore:
    return HttpCore(
        "reddit",
        url,
        rate_limit_style=RATE_LIMIT_STYLE,
        sleep=lambda s: None,
        clock=lambda: CLOCK,
        **http_options({}),
    )


def connector(http: HttpCore, handle: str = "BrewBeanCoffee", credentials=None, **brand) -> RedditConnector:
    spec = {"accounts": {"reddit": handle}, **brand}
    config = parse_brand_config({"brands": {"acme": spec}})
    return RedditConnector(http, config, Pseudonymizer("test-key"), credentials=credentials)


def land(resp, entity: str, kind: str, day: dt.date, context: dict) -> LandedPage:
    return LandedPage.of(resp, "reddit", entity, day, kind, context)


def recorded_things(cassette: Path) -> list[list[dict]]:
    return [
        [c["data"] for c in json.loads(i["response"]["body"]["string"])["data"]["children"]]
        for i in load_betamax(cassette)
        if i["request"]["method"] == "GET"
    ]


# -- submissions (t3 Listing) ---------------------------------------------------------------------------


def test_a_listing_of_submissions_parses_into_posts():
    day = dt.date(2016, 3, 1)
    with RedditReplayServer(NEW) as server:
        http = client(server.url)
        # Items go back to 07:44: a window starting at 08:00 is covered by this one page.
        start = dt.datetime(2016, 3, 1, 8, tzinfo=UTC)
        pages = list(http.paginate("/r/askreddit/new", {"raw_json": 1, "limit": 100}, newest_first(start)))
    assert len(pages) == 1
    landed = [land(p, "posts", "submitted", day, {"brand_id": "acme"}) for p in pages]
    records, bad = connector(http).parse_posts(landed, day)
    assert bad == []
    ids = [r["post_id"] for r in records]
    assert len(ids) == len(set(ids)) == 100
    assert ids[0] == "t3_48fbm9" and ids[-1] == "t3_48f6io"
    raw = {f"t3_{d['id']}": d for d in recorded_things(NEW)[0]}
    for r in records:
        d = raw[r["post_id"]]
        assert r["platform"] == "reddit" and r["brand_id"] == "acme" and r["post_type"] == "post"
        assert (
            r["created_at"] == dt.datetime.fromtimestamp(d["created_utc"], UTC)
            and r["created_at"].date() == day
        )
        assert r["like_count"] == d["ups"] and r["reply_count"] == d["num_comments"]
        assert r["share_count"] is None and r["view_count"] is None and r["lang"] is None  # not reported
        assert r["url"] == "https://www.reddit.com" + d["permalink"]
        assert r["text"].startswith(d["title"]) and r["account_handle"] == d["author"]
        # 2016 listings carried no author_fullname: the about page landed with the day supplies it.
        assert r["account_id"] is None


def test_the_listing_is_followed_through_data_after_until_the_window_is_covered():
    with RedditReplayServer(NEW) as server:
        http = client(server.url)
        start = dt.datetime(2016, 3, 1, tzinfo=UTC)  # older than every item: the walk must go on
        with pytest.raises(ApiError) as refused:
            list(http.paginate("/r/askreddit/new", {"raw_json": 1, "limit": 100}, newest_first(start)))
    assert refused.value.status == 404  # the cassette holds no second page
    (_, second, _) = server.hits[-1]
    assert "after=t3_48f6io" in second and "limit=100" in second  # the cursor from data.after, same query


def test_pinned_posts_do_not_stop_the_walk():
    with RedditReplayServer(NEW) as server:
        page = client(server.url).get("/r/askreddit/new", {"raw_json": 1, "limit": 100})
    body = page.json()
    body["data"]["children"][0]["data"].update(stickied=True, created_utc=1.0)  # an old announcement on top
    page.text = json.dumps(body)
    follow = newest_first(dt.datetime(2016, 3, 1, 8, tzinfo=UTC))
    assert follow(page) is None  # the page reaches 07:44 < 08:00; the 1970 sticky alone would not decide
    assert newest_first(dt.datetime(2016, 3, 1, 7, tzinfo=UTC))(page)[1]["after"] == "t3_48f6io"


def test_records_outside_the_day_are_left_to_their_own_partition():
    with RedditReplayServer(NEW) as server:
        http = client(server.url)
        resp = http.get("/r/askreddit/new", {"raw_json": 1, "limit": 100})
    page = land(resp, "posts", "submitted", dt.date(2016, 3, 2), {"brand_id": "acme"})
    assert connector(http).parse_posts([page], dt.date(2016, 3, 2)) == ([], [])


# -- comments (t1) ------------------------------------------------------------------------------------------


def test_comment_pages_parse_into_comments_with_their_parents_and_no_duplicates():
    with RedditReplayServer(STREAM) as server:
        http = client(server.url)
        first = http.get("/r/<TEST_SUBREDDIT>/comments/", {"limit": 100, "raw_json": 1})
        assert first.json()["data"]["after"] == "t1_k3uzsxu"
        assert http._rate.remaining == 599 and http._rate.reset_at == CLOCK + 525  # "599.0", seconds
        second = http.get(
            "/r/<TEST_SUBREDDIT>/comments/", {"before": "t1_k3v0jp3", "limit": 100, "raw_json": 1}
        )
        assert http._rate.remaining == 598 and http._rate.reset_at == CLOCK + 523
        assert http._rate.limit is None  # Reddit sends used and remaining, no limit header
    page1, page2 = recorded_things(STREAM)
    assert (len(page1), len(page2)) == (100, 95)
    c = connector(http)
    records, bad = [], []
    for day in (dt.date(2023, 10, 7), dt.date(2023, 10, 8)):
        pages = [land(r, "comments", "listing", day, {"brand_id": "acme"}) for r in (first, second)]
        got, wrong = c.parse_comments(pages, day)
        assert all(r["created_at"].date() == day for r in got)
        records += got
        bad += wrong
    assert bad == []
    ids = [r["comment_id"] for r in records]
    assert len(ids) == len(set(ids)) == 100  # the second page's 95 are the first page's newest
    raw = {f"t1_{d['id']}": d for d in page1}
    assert set(ids) == set(raw)
    for r in records:
        d = raw[r["comment_id"]]
        assert r["parent_id"] == d["parent_id"] and r["post_id"] == d["link_id"]
        assert r["like_count"] == d["ups"] and r["reply_count"] is None and r["lang"] is None
        assert r["author_id"] == c.pseudonymize("reddit", d["author_fullname"]) and r["author_handle"] is None
        assert r["is_from_tracked_account"] is False and r["text"] == d["body"]
    # 14 answer a submission directly, the others a comment.
    assert sum(r["parent_id"] == r["post_id"] for r in records) == 14
    assert sum(r["parent_id"].startswith("t1_") for r in records) == 86


def test_deleted_authors_are_kept_anonymous_and_broken_comments_are_quarantined():
    with RedditReplayServer(STREAM) as server:
        http = client(server.url)
        resp = http.get("/r/<TEST_SUBREDDIT>/comments/", {"limit": 100, "raw_json": 1})
    body = resp.json()
    things = body["data"]["children"]
    deleted = things[0]["data"]
    deleted.update(author="[deleted]", body="[deleted]")
    del deleted["author_fullname"]
    things[1]["data"]["created_utc"] = "yesterday"
    things[2] = {"kind": "t1", "data": None}
    del things[3]["data"]["parent_id"]
    resp.text = json.dumps(body)
    day = dt.date(2023, 10, 8)
    records, bad = connector(http).parse_comments(
        [land(resp, "comments", "listing", day, {"brand_id": "a"})], day
    )
    kept = {r["comment_id"]: r for r in records}
    assert (
        kept[f"t1_{deleted['id']}"]["author_id"] is None
        and kept[f"t1_{deleted['id']}"]["author_handle"] is None
    )
    reasons = sorted(b["reason"] for b in bad)
    assert len(bad) == 3
    assert any("created_utc" in r for r in reasons) and any("parent_id" in r for r in reasons)
    assert any("not a comment" in r for r in reasons)
    assert all(b["source_url"].endswith("raw_json=1") for b in bad)


def test_a_tracked_account_keeps_its_name_on_its_comments():
    with RedditReplayServer(STREAM) as server:
        http = client(server.url)
        resp = http.get("/r/<TEST_SUBREDDIT>/comments/", {"limit": 100, "raw_json": 1})
    author = resp.json()["data"]["children"][0]["data"]
    day = dt.date(2023, 10, 8)
    page = land(resp, "comments", "listing", day, {"brand_id": "acme"})
    records, _ = connector(http, handle=author["author"].upper()).parse_comments([page], day)
    own = [r for r in records if r["is_from_tracked_account"]]
    assert own and all(r["author_id"] == author["author_fullname"] for r in own)
    assert all(r["author_handle"] == author["author"] for r in own)


# -- mentions: the signed-in account's inbox (t1 username mentions) ---------------------------------------


def test_sign_in_then_inbox_username_mentions_become_handle_mentions():
    credentials = {
        "REDDIT_CLIENT_ID": "app-id",
        "REDDIT_CLIENT_SECRET": "app-secret",
        "REDDIT_USERNAME": "praw_tester",
        "REDDIT_PASSWORD": "hunter2",
    }
    day = dt.date(2019, 4, 9)
    with RedditReplayServer(INBOX) as server:
        http = client(server.url)
        c = connector(http, handle="praw_tester", credentials=credentials)
        assert c.inbox_brand == "acme"
        c._authorize()
        start = dt.datetime(2019, 4, 9, 1, tzinfo=UTC)  # the page reaches 00:37: no second page needed
        pages = list(http.paginate("/message/mentions", {"limit": 16, "raw_json": 1}, newest_first(start)))
    (method, target, headers), (_, _, api_headers) = server.hits[0], server.hits[1]
    assert (method, target) == ("POST", "/api/v1/access_token")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"app-id:app-secret").decode()
    assert api_headers["Authorization"] == "bearer <ACCESS_TOKEN>"  # the token the server handed out
    assert api_headers["User-Agent"] == USER_AGENT  # Reddit throttles generic agents
    assert http._rate.remaining == 9324 and http._rate.reset_at == CLOCK + 53
    assert len(pages) == 1 and "<ACCESS_TOKEN>" not in pages[0].url

    landed = [land(p, "mentions", "inbox", day, {"brand_id": "acme", "handle": "praw_tester"}) for p in pages]
    records, bad = c.parse_mentions(landed, day)
    assert bad == []
    raw = {f"t1_{d['id']}": d for d in recorded_things(INBOX)[0]}
    assert len(records) == len(raw) == 16 and {r["mention_id"] for r in records} == set(raw)
    for r in records:
        d = raw[r["mention_id"]]
        assert (
            r["matched_brand"] == "acme"
            and r["match_type"] == "handle"
            and r["matched_term"] == "praw_tester"
        )
        assert r["author_id"] == c.pseudonymize("reddit", "t2_3efd9zdo") and r["author_handle"] is None
        assert r["author_followers"] is None and r["share_count"] is None and r["reply_count"] is None
        assert r["like_count"] == d["score"] and r["text"] == d["body"]
        assert r["url"] == "https://www.reddit.com" + d["context"]
        assert r["created_at"].date() == day


def test_keywords_in_submissions_are_matched_once_per_brand_and_own_posts_are_not_mentions():
    with RedditReplayServer(NEW) as server:
        http = client(server.url)
        resp = http.get("/r/askreddit/new", {"raw_json": 1, "limit": 100})
    day = dt.date(2016, 3, 1)
    page = land(resp, "mentions", "search", day, {"brand_id": "acme", "term": "reddit"})
    records, bad = connector(http, keywords=["reddit"]).parse_mentions([page, page], day)
    titles = [d["title"] for d in recorded_things(NEW)[0] if "reddit" in d["title"].lower()]
    assert bad == [] and 0 < len(records) <= len(titles)
    assert "t3_48fbm9" in {r["mention_id"] for r in records}  # "[Serious] Parents of reddit, ..."
    assert len({r["mention_id"] for r in records}) == len(records)  # the same page twice, counted once
    assert all(r["match_type"] == "keyword" and r["reply_count"] is not None for r in records)
    first_author = recorded_things(NEW)[0][0]["author"]
    own, _ = connector(http, handle=first_author, keywords=["reddit"]).parse_mentions([page], day)
    assert all(r["mention_id"] != "t3_48fbm9" for r in own)
