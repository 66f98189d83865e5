"""The X connector on responses the real api.twitter.com sent (tweepy's recorded cassettes).

The v2 recordings were made without tweet.fields: their tweets hold only id, text and
edit_history_tweet_ids. That is exactly the case of a request that lost its fields, so it is what these
tests check: such tweets are quarantined with the reason, nothing is lost silently, and pagination still
follows meta.next_token to the end.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assets.brand_config import parse_brand_config
from assets.ingest.http_core import HttpCore, RetryPolicy
from assets.ingest.landing import LandedPage
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.x import TWEET_FIELDS, XConnector, id_time
from tests.support.x_replay import XReplayServer

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "twitter"
TIMELINE = CASSETTES / "test_client_get_users_tweets.yaml"
SEARCH = CASSETTES / "test_client_search_recent_tweets.yaml"
MENTIONS = CASSETTES / "test_client_get_users_mentions.yaml"
TIMELINE_IDS = ["1577730467436138524", "1565318587736285184"]
TIMELINE_TOKEN = "7140dibdnow9c7btw4232poeq0wapgnwgwqwvuwn3peex"
SEARCH_TOKEN = "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul"
DAY = dt.date(2022, 10, 7)
START, END = dt.datetime(2022, 10, 1, tzinfo=dt.UTC), dt.datetime(2022, 10, 8, tzinfo=dt.UTC)


def connector(http: HttpCore, handle: str = "TwitterDev", keywords=("tweepy",)) -> XConnector:
    config = parse_brand_config({"brands": {"acme": {"accounts": {"x": handle}, "keywords": list(keywords)}}})
    return XConnector(http, config, Pseudonymizer("test-key"))


def landed(resp, entity: str, kind: str, context: dict, day: dt.date = DAY) -> LandedPage:
    return LandedPage.of(resp, "x", entity, day, kind, context)


def stamped(page: LandedPage, **extra) -> LandedPage:
    """The page with each tweet given the created_at its snowflake id encodes (and `extra` fields): what
    the same request with tweet.fields would have carried, for the parts of the parser past the date."""
    body = json.loads(page.body)
    for t in body["data"]:
        t["created_at"] = id_time(t["id"]).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        t.update(extra)
    return LandedPage(**{**vars(page), "body": json.dumps(body)})


def test_timeline_follows_next_token_to_the_end_with_the_same_request():
    with XReplayServer(TIMELINE) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        pages = list(connector(http)._timeline("783214", START, END))
    assert [p.json()["meta"]["result_count"] for p in pages] == [2, 0]
    assert [t["id"] for p in pages for t in p.json().get("data", [])] == TIMELINE_IDS
    (path1, q1), (path2, q2) = server.hits
    assert path1 == path2 == "/2/users/783214/tweets"
    assert q1 == {
        "start_time": "2022-10-01T00:00:00Z",
        "end_time": "2022-10-08T00:00:00Z",
        "max_results": "100",
        "exclude": "replies,retweets",
        "tweet.fields": TWEET_FIELDS,
    }
    # The timeline's token goes back as pagination_token, every other parameter unchanged.
    assert q2 == {**q1, "pagination_token": TIMELINE_TOKEN}
    assert server.end_pages_served == 1
    meta = pages[0].json()["meta"]
    assert meta["newest_id"] == max(TIMELINE_IDS, key=int) and meta["oldest_id"] == min(TIMELINE_IDS, key=int)


def test_search_follows_next_token_as_next_token():
    with XReplayServer(SEARCH) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        pages = list(connector(http)._search("Tweepy", "2022-10-01T00:00:00Z", "2022-10-07T23:00:00Z"))
    assert [len(p.json().get("data", [])) for p in pages] == [10, 0]
    ids = [t["id"] for t in pages[0].json()["data"]]
    assert len(set(ids)) == 10 and ids == sorted(ids, key=int, reverse=True)  # newest first
    meta = pages[0].json()["meta"]
    assert (meta["newest_id"], meta["oldest_id"], meta["result_count"]) == (ids[0], ids[-1], 10)
    (_, q1), (_, q2) = server.hits
    assert q1["expansions"] == "author_id" and q1["user.fields"] == "public_metrics"
    assert q2 == {**q1, "next_token": SEARCH_TOKEN} and "pagination_token" not in q2


def test_tweets_without_created_at_are_quarantined_with_the_reason():
    with XReplayServer(TIMELINE, SEARCH) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        c = connector(http)
        ctx = {"brand_id": "acme", "handle": "TwitterDev", "account_id": "783214"}
        posts = [landed(r, "posts", "tweets", ctx) for r in c._timeline("783214", START, END)]
        found = [
            landed(r, "mentions", "search", {"brand_id": "acme", "term": "Tweepy"})
            for r in c._search("Tweepy", "2022-10-01T00:00:00Z", "2022-10-07T23:00:00Z")
        ]
    records, bad = c.parse_posts(posts, DAY)
    assert records == [] and [b["record_id"] for b in bad] == TIMELINE_IDS
    assert all(b["reason"].startswith("ValueError: created_at missing") for b in bad)
    assert "minted at 2022-10-05T18:40:30" in bad[0]["reason"]  # the id's own time, to help whoever reads it
    assert bad[0]["record"]["text"].startswith("whoa, it works") and bad[0]["source_url"].startswith(
        server.url
    )
    records, bad = c.parse_mentions(found, DAY)
    assert records == [] and len(bad) == 10 and len({b["record_id"] for b in bad}) == 10
    # The empty last page ({"meta": {"result_count": 0}}) is neither a record nor a quarantine entry.
    assert c.parse_posts(posts[1:], DAY) == ([], [])


def test_recorded_tweets_with_a_date_become_posts_with_null_for_unreported_metrics():
    with XReplayServer(TIMELINE) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        c = connector(http)
        ctx = {"brand_id": "acme", "handle": "TwitterDev", "account_id": "783214"}
        pages = [
            stamped(landed(r, "posts", "tweets", ctx)) for r in list(c._timeline("783214", START, END))[:1]
        ]
    day = id_time(TIMELINE_IDS[0]).date()
    records, bad = c.parse_posts(pages, day)
    assert bad == [] and [r["post_id"] for r in records] == TIMELINE_IDS[:1]
    r = records[0]
    assert r["account_id"] == "783214" and r["account_handle"] == "TwitterDev" and r["brand_id"] == "acme"
    assert r["url"] == f"https://x.com/TwitterDev/status/{TIMELINE_IDS[0]}"
    assert r["post_type"] == "post" and r["hashtags"] == [] and r["lang"] is None
    # No public_metrics in the response: every count is NULL, never 0.
    assert (r["like_count"], r["share_count"], r["reply_count"], r["view_count"]) == (None,) * 4
    assert r["created_at"] == dt.datetime(2022, 10, 5, 18, 40, 30, tzinfo=dt.UTC)
    # The other recorded tweet dates from September: another day's partition, not this one's.
    assert id_time(TIMELINE_IDS[1]).date() != day


def test_the_same_tweet_found_twice_is_one_mention_per_brand_and_authors_are_pseudonymous():
    with XReplayServer(SEARCH, MENTIONS) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        c = connector(http, handle="Tweepy_brand", keywords=("tweepy",))
        search = http.get("/2/tweets/search/recent", {"query": "Tweepy"})
    page = stamped(
        landed(search, "mentions", "search", {"brand_id": "acme", "term": "Tweepy"}), author_id="42"
    )
    day = id_time(page.json()["data"][0]["id"]).date()
    records, bad = c.parse_mentions([page, page], day)
    assert bad == [] and len(records) == 10 and len({r["mention_id"] for r in records}) == 10
    assert all(r["matched_brand"] == "acme" and r["match_type"] == "keyword" for r in records)
    assert {r["author_id"] for r in records} == {Pseudonymizer("test-key")("x", "42")}
    assert all(r["author_handle"] is None and r["author_followers"] is None for r in records)  # no includes
    assert all(r["url"] == f"https://x.com/i/web/status/{r['mention_id']}" for r in records)


def test_epoch_rate_limit_headers_pace_the_client_with_a_fake_clock():
    sleeps: list[float] = []
    reset = 1665183228  # the recorded x-rate-limit-reset, epoch seconds
    with XReplayServer(TIMELINE) as server:
        http = HttpCore(
            "x",
            server.url,
            rate_limit_style="epoch",
            sleep=sleeps.append,
            clock=lambda: reset - 1499.0,
            retry=RetryPolicy(slow_down_below=0.9995),  # 1498 left of 1500 counts as "low" here
        )
        http.get("/2/users/783214/tweets")
        assert (http._rate.limit, http._rate.remaining, http._rate.reset_at) == (1500, 1498, float(reset))
        http.get("/2/users/783214/tweets")
    # 1499 s left to the reset, 1498 requests left: one request per second. Read as a relative number of
    # seconds (another platform's dialect) the wait would have been the 60 s cap.
    assert sleeps == [1.0]


def test_an_unknown_user_answered_with_200_and_errors_is_a_clear_failure():
    with XReplayServer(TIMELINE) as server:
        http = HttpCore("x", server.url, rate_limit_style="epoch")
        resp = http.get("/2/users/783214/tweets")
    resp.text = json.dumps(
        {
            "errors": [
                {
                    "value": "TwitterDev",
                    "detail": "Could not find user with username: [TwitterDev].",
                    "title": "Not Found Error",
                    "resource_type": "user",
                    "parameter": "username",
                    "resource_id": "TwitterDev",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        }
    )
    page = landed(resp, "posts", "tweets", {"brand_id": "acme", "handle": "TwitterDev", "account_id": "1"})
    records, bad = connector(http).parse_posts([page], DAY)
    assert (
        records == []
        and bad[0]["reason"] == "ValueError: X reported: Could not find user with username: [TwitterDev]."
    )
