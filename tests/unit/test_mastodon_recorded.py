"""The Mastodon connector on responses a real Mastodon server sent (Mastodon.py's recorded cassettes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assets.brand_config import parse_brand_config
from assets.ingest.http_core import HttpCore, next_from_link
from assets.ingest.landing import LandedPage
from assets.ingest.mastodon import MastodonConnector
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.records import html_to_text
from tests.support.replay import ReplayServer

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "mastodon"
DAY = dt.date(2026, 8, 1)
TAG = "fgiztsshwiaqqiztpmmjbtvmescsculuvmgjgopwoeidbcrixp"


def connector(http: HttpCore, hashtags=(TAG,), handle="mastodonpy_test") -> MastodonConnector:
    config = parse_brand_config(
        {"brands": {"acme": {"accounts": {"mastodon": handle}, "hashtags": list(hashtags)}}}
    )
    return MastodonConnector(http, config, Pseudonymizer("test-key"))


def landed(resp, entity, kind, context) -> LandedPage:
    return LandedPage.of(resp, "mastodon", entity, DAY, kind, context)


def test_tag_timeline_is_walked_through_link_headers_until_the_empty_page():
    with ReplayServer(CASSETTES / "test_pagination_iterator.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        pages = list(http.paginate(f"/api/v1/timelines/tag/{TAG}", {"limit": 10}, next_from_link))
    assert [len(p.json()) for p in pages] == [10, 10, 10, 0]
    ids = [s["id"] for p in pages for s in p.json()]
    assert len(ids) == len(set(ids)) == 30
    assert ids == sorted(ids, key=int, reverse=True)  # newest first, no overlap between pages
    # the rate-limit headers Mastodon sent were read (ISO reset time)
    assert http._rate.limit == 300 and http._rate.remaining is not None and http._rate.reset_at > 1.7e9


def test_tag_timeline_statuses_become_hashtag_mentions_with_pseudonymous_authors():
    with ReplayServer(CASSETTES / "test_pagination_iterator.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        c = connector(http, handle="someone_else")
        pages = [
            landed(r, "mentions", "tag", {"brand_id": "acme", "term": TAG})
            for r in http.paginate(f"/api/v1/timelines/tag/{TAG}", {"limit": 10}, next_from_link)
        ]
    records, bad = c.parse_mentions(pages, DAY)
    assert bad == []
    assert len(records) == 30
    r = records[0]
    assert r["matched_brand"] == "acme" and r["match_type"] == "hashtag" and r["matched_term"] == TAG
    assert r["author_id"].startswith("p_") and r["author_handle"] is None  # a member of the public
    assert r["created_at"].tzinfo is not None and r["created_at"].date() == DAY
    assert TAG in [h.lower() for h in r["hashtags"]]
    assert "<" not in r["text"] and TAG in r["text"]
    assert isinstance(r["like_count"], int) and r["author_followers"] is not None


def test_a_brands_own_statuses_are_not_mentions_of_it():
    with ReplayServer(CASSETTES / "test_pagination_iterator.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        pages = [
            landed(r, "mentions", "tag", {"brand_id": "acme", "term": TAG})
            for r in http.paginate(f"/api/v1/timelines/tag/{TAG}", {"limit": 10}, next_from_link)
        ]
    author = pages[0].json()[0]["account"]["acct"]
    records, _ = connector(http, handle=author).parse_mentions(pages, DAY)
    assert all(r["author_handle"] != author for r in records)
    assert len(records) < 30


def test_account_statuses_pages_parse_into_posts():
    with ReplayServer(CASSETTES / "test_fetch_next_previous.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        first = http.get("/api/v1/accounts/117020565966271181/statuses", {"limit": 5})
        second = http.get(first.links["next"])
    assert "max_id=117020580489281910" in first.links["next"]
    pages = [landed(r, "posts", "statuses", {"brand_id": "acme"}) for r in (first, second)]
    records, bad = connector(http).parse_posts(pages, DAY)
    assert bad == []
    assert len(records) == 10 and len({r["post_id"] for r in records}) == 10
    for r in records:
        assert r["platform"] == "mastodon" and r["brand_id"] == "acme"
        assert r["account_id"] == "117020565966271181"
        assert r["view_count"] is None  # Mastodon reports no impressions: NULL, never 0
        assert r["post_type"] in ("post", "reply", "repost", "quote")
        assert r["url"].startswith("http")
        assert r["created_at"].date() == DAY


def test_records_outside_the_day_are_left_to_their_own_partition():
    with ReplayServer(CASSETTES / "test_fetch_next_previous.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        page = landed(
            http.get("/api/v1/accounts/117020565966271181/statuses", {"limit": 5}),
            "posts",
            "statuses",
            {"brand_id": "acme"},
        )
    records, bad = connector(http).parse_posts([page], DAY + dt.timedelta(days=1))
    assert records == [] and bad == []


def test_empty_context_gives_no_comments_and_no_quarantine():
    with ReplayServer(CASSETTES / "test_status_context.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        resp = http.get("/api/v1/statuses/117020585487094447/context")
    page = landed(resp, "comments", "context", {"brand_id": "acme", "post_id": "117020585487094447"})
    assert connector(http).parse_comments([page], DAY) == ([], [])


def test_malformed_statuses_are_quarantined_with_a_reason():
    with ReplayServer(CASSETTES / "test_hashtag_tl.yaml") as server:
        http = HttpCore("mastodon", server.url, rate_limit_style="iso")
        resp = http.get("/api/v1/timelines/tag/hoot")
    good = resp.json()
    broken = dict(good[0], id="1", created_at="not a time")
    resp.text = __import__("json").dumps([good[0], broken, "not an object"])
    page = landed(resp, "mentions", "tag", {"brand_id": "acme", "term": "hoot"})
    records, bad = connector(http, hashtags=("hoot",), handle="nobody").parse_mentions([page], DAY)
    assert len(records) == 1
    assert sorted(b["reason"].split(":")[0] for b in bad) == ["ValueError", "ValueError"]
    assert any("not a time" in b["reason"] for b in bad) and any("not an object" in b["reason"] for b in bad)


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (
            '<p>Hello <a href="x" class="mention hashtag">#<span>hoot</span></a> &amp; bye</p>',
            "Hello #hoot & bye",
        ),
        ("<p>one</p><p>two<br>three</p>", "one\n\ntwo\nthree"),
        ("plain &lt;3", "plain <3"),
    ],
)
def test_html_content_becomes_the_text_a_reader_sees(content, text):
    assert html_to_text(content) == text
