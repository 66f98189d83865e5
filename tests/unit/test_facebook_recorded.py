"""The Facebook connector on bodies the real Graph API sent (python-facebook's recorded test data)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from assets.brand_config import parse_brand_config
from assets.ingest.facebook import POST_FIELDS, FacebookConnector, graph_time, http_options
from assets.ingest.http_core import ApiError, HttpCore
from assets.ingest.pseudonyms import Pseudonymizer
from tests.support.facebook_replay import FacebookReplayServer

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "facebook"
PAGE_ID = "19292868552"  # Facebook for Developers
POST_ID = "19292868552_10158407654328553"
TOKEN = "EAAB-page-token-SECRET"
FEED = ["posts_feeds_default_fields_p1.json", "posts_feeds_default_fields_p2.json"]
ROUTES = {
    # recorded from /feed, whose paging.next the connector follows; the connector asks /posts (own posts only)
    f"/{PAGE_ID}/posts": FEED,
    f"/{PAGE_ID}/feed": FEED,
    f"/{POST_ID}/comments": ["comments_comments_p1.json", "comments_comments_p2.json"],
}
START, END = dt.datetime(2021, 6, 1, tzinfo=dt.UTC), dt.datetime(2021, 8, 31, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self):
        self.now, self.slept = 1_700_000_000.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(url: str, clock: FakeClock | None = None) -> HttpCore:
    clock = clock or FakeClock()
    options = http_options({"FACEBOOK_PAGE_ACCESS_TOKEN": TOKEN})
    return HttpCore("facebook", url, rate_limit_style="usage", sleep=clock.sleep, clock=clock, **options)


def connector(http: HttpCore) -> FacebookConnector:
    config = parse_brand_config({"brands": {"meta": {"accounts": {"facebook": "FacebookforDevelopers"}}}})
    return FacebookConnector(http, config, Pseudonymizer("test-key"))


def page_lookup(c: FacebookConnector, day: dt.date):
    """The Page's look-up as the connector lands it (not recorded upstream: written from the ids above)."""
    from assets.ingest.landing import LandedPage

    body = json.dumps(
        {"id": PAGE_ID, "name": "Facebook for Developers", "followers_count": 7, "fan_count": 7}
    )
    context = {"brand_id": "meta", "handle": "FacebookforDevelopers"}
    url = f"https://graph.facebook.com/v19.0/{PAGE_ID}"
    return LandedPage("facebook", "posts", day.isoformat(), "account", context, url, 200, {}, "", body)


def posts_pages(server, c, start=START, end=END, day=dt.date(2021, 7, 1)):
    return [
        c.land(r, "posts", day, "posts", {"brand_id": "meta"})
        for r in c.edge_pages(PAGE_ID, "posts", POST_FIELDS, start, end)
    ]


def test_graph_times_without_a_colon_in_the_offset_parse():
    assert graph_time("2021-06-15T07:39:02+0000") == dt.datetime(2021, 6, 15, 7, 39, 2, tzinfo=dt.UTC)
    assert graph_time("2021-06-15T09:39:02+0200") == dt.datetime(2021, 6, 15, 7, 39, 2, tzinfo=dt.UTC)


def test_posts_are_followed_through_paging_next_to_the_end_and_parse_per_day():
    with FacebookReplayServer(RECORDED, ROUTES) as server:
        c = connector(client(server.url))
        pages = posts_pages(server, c)
    assert [len(p.json()["data"]) for p in pages] == [5, 5]
    assert len(server.hits) == 2 and "after=after" in server.hits[1]
    by_day: dict[dt.date, list[dict]] = {}
    day = dt.date(2021, 6, 20)
    while day <= dt.date(2021, 7, 10):
        records, bad = c.parse_posts(pages, day)
        assert bad == []
        if records:
            by_day[day] = records
        day += dt.timedelta(days=1)
    ids = [r["post_id"] for rs in by_day.values() for r in rs]
    assert len(ids) == len(set(ids)) == 10  # nothing duplicated, nothing lost across the two pages
    assert {d: len(rs) for d, rs in by_day.items()}[dt.date(2021, 7, 9)] == 1
    first = by_day[dt.date(2021, 7, 9)][0]
    assert first["post_id"] == "19292868552_10158349356748553" and first["account_id"] == PAGE_ID
    assert first["created_at"] == dt.datetime(2021, 7, 9, 19, 9, 52, tzinfo=dt.UTC)
    assert (first["like_count"], first["share_count"], first["reply_count"]) == (125, 10, 13)
    assert first["view_count"] is None and first["lang"] is None  # not on this edge: NULL, not 0
    assert first["url"] == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    video = by_day[dt.date(2021, 6, 21)][0]
    assert (video["like_count"], video["share_count"], video["reply_count"]) == (26959, 183, 82)


def test_a_post_without_shares_counts_0_only_when_shares_was_asked_for():
    with FacebookReplayServer(RECORDED, ROUTES) as server:
        c = connector(client(server.url))
        pages = posts_pages(server, c)
    body = pages[0].json()
    del body["data"][0]["shares"]  # as the API answers for a post never shared
    pages[0].body = json.dumps(body)
    records, _ = c.parse_posts(pages, dt.date(2021, 7, 9))
    assert records[0]["share_count"] == 0
    pages[0].url = pages[0].url.replace("shares,", "")  # a request that did not ask for shares
    assert "shares" not in parse_qs(urlsplit(pages[0].url).query)["fields"][0]
    records, _ = c.parse_posts(pages, dt.date(2021, 7, 9))
    assert records[0]["share_count"] is None


def test_the_day_window_stops_paging_at_the_day_before():
    with FacebookReplayServer(RECORDED, ROUTES) as server:
        c = connector(client(server.url))
        start = dt.datetime(2021, 7, 8, tzinfo=dt.UTC)
        pages = posts_pages(server, c, start, start + dt.timedelta(days=1), dt.date(2021, 7, 8))
    assert len(pages) == 1 and len(server.hits) == 1  # page 1 already reaches July 6th
    query = parse_qs(urlsplit(server.hits[0]).query)
    assert query["since"] == [str(int(start.timestamp()))] and query["limit"] == ["100"]
    records, _ = c.parse_posts(pages, dt.date(2021, 7, 8))
    assert [r["post_id"] for r in records] == ["19292868552_10158347294088553"]


def test_comments_stream_pages_parse_with_parents_and_no_invented_authors():
    with FacebookReplayServer(RECORDED, ROUTES) as server:
        c = connector(client(server.url))
        day = dt.date(2021, 8, 11)
        pages = [
            c.land(r, "comments", day, "comments", {"brand_id": "meta", "post_id": POST_ID})
            for r in c.comment_pages(POST_ID)
        ]
        pages.append(page_lookup(c, day))
    assert [len(p.json()["data"]) for p in pages[:2]] == [10, 5]
    assert pages[0].json()["summary"]["total_count"] == 18
    assert parse_qs(urlsplit(server.hits[0]).query)["filter"] == ["stream"]
    rows = []
    d = dt.date(2021, 8, 10)
    while d <= dt.date(2021, 8, 14):
        records, bad = c.parse_comments(pages, d)
        assert bad == []
        rows += records
        d += dt.timedelta(days=1)
    assert len(rows) == len({r["comment_id"] for r in rows}) == 15
    by_id = {r["comment_id"]: r for r in rows}
    top = by_id["10158407654328553_10158407835073553"]
    assert top["post_id"] == POST_ID and top["parent_id"] == POST_ID and top["reply_count"] == 1
    # replies carry reply_comment_id in their permalink: their parent is the comment they answer
    reply = by_id["10158407654328553_10158409983033553"]
    assert reply["parent_id"].startswith("10158407654328553_") and reply["parent_id"] in by_id
    assert reply["parent_id"] != POST_ID
    assert sum(r["parent_id"] != POST_ID for r in rows) == 5
    # the recorded bodies carry no `from`: the author is unknown, not a made-up one
    assert all(r["author_id"] is None and r["is_from_tracked_account"] is None for r in rows)
    assert all(isinstance(r["like_count"], int) for r in rows)


def test_the_token_is_sent_once_per_request_and_never_landed_logged_or_raised(caplog):
    caplog.set_level(logging.DEBUG)
    with FacebookReplayServer(RECORDED, ROUTES, rewrite_host=False) as server:
        c = connector(client(server.url))
        pages = posts_pages(server, c)
        # paging.next named graph.facebook.com: it was followed on the configured host all the same
        assert len(server.hits) == 2
        for hit in server.hits:
            assert parse_qs(urlsplit(hit).query)["access_token"] == [TOKEN]
        server.failures.append((400, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                                "code": 190, "fbtrace_id": "AbC"}}, []))  # fmt: skip
        with pytest.raises(ApiError) as err:
            list(c.comment_pages(POST_ID))
    assert err.value.status == 400 and "Invalid OAuth" in str(err.value)
    landed = json.dumps([dataclasses.asdict(p) for p in pages])
    assert "access_token=REDACTED" in landed  # the paging URLs in the bodies, and the request URLs
    for text in (landed, caplog.text, str(err.value)):
        assert TOKEN not in text


@pytest.mark.parametrize("status, code", [(400, 4), (403, 32), (400, 613), (400, 80001)])
def test_graph_throttling_errors_are_retried_after_a_wait(status, code):
    clock = FakeClock()
    usage = json.dumps({PAGE_ID: [{"type": "pages", "call_count": 100, "total_cputime": 5, "total_time": 9,
                                   "estimated_time_to_regain_access": 3}]})  # fmt: skip
    with FacebookReplayServer(RECORDED, ROUTES) as server:
        c = connector(client(server.url, clock))
        error = {"error": {"message": f"(#{code}) Request limit reached", "type": "OAuthException",
                           "code": code, "fbtrace_id": "AbC"}}  # fmt: skip
        server.failures.append((status, error, [("X-Business-Use-Case-Usage", usage)]))
        pages = list(c.comment_pages(POST_ID))
    assert [len(p.json()["data"]) for p in pages] == [10, 5]
    assert c.http.retries_made == 1 and clock.slept[0] == 60  # capped at RetryPolicy.max_delay


def test_usage_headers_are_read_and_slow_the_client_down():
    clock = FakeClock()
    usage = json.dumps({"call_count": 95, "total_cputime": 20, "total_time": 30})
    with FacebookReplayServer(RECORDED, ROUTES, headers=[("X-App-Usage", usage)]) as server:
        c = connector(client(server.url, clock))
        pages = list(c.comment_pages(POST_ID))
    assert len(pages) == 2
    rate = c.http._rate
    assert (rate.remaining, rate.limit) == (5, 100) and rate.reset_at == clock.now + 3600
    # 5 % left before page 2: the client spread the hour's remaining calls and waited before asking
    assert clock.slept and clock.slept[0] == pytest.approx(60)
