"""The YouTube connector on bodies the real Data API v3 sent (python-youtube's recorded test data), served
over loopback HTTP: pagination by nextPageToken, the embedded-replies quirk, ids, parents and NULLs."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assets.brand_config import parse_brand_config
from assets.ingest.http_core import ApiError, HttpCore, RetryPolicy
from assets.ingest.landing import LandedPage
from assets.ingest.pseudonyms import Pseudonymizer
from assets.ingest.youtube import (
    RATE_LIMIT_STYLE,
    YouTubeConnector,
    http_options,
    threads_missing_replies,
)
from tests.support.scripted_server import ScriptedServer
from tests.support.youtube_replay import RECORDED, YouTubeReplayServer, token

VIDEO = "F1UP7wRCPH8"
THREAD_WITH_PAGED_REPLIES = "Ugw5zYU6n9pmIgAZWvN4AaABAg"
THREAD_IDS = [
    "UgyZ1jqkHKYvi1-ruOZ4AaABAg",
    "Ugy4OzAuz5uJuFt3FH54AaABAg",
    "UgysQP-vp089eFP0Stl4AaABAg",
    "UgyKv8ziPYFJDGytM_J4AaABAg",
    "UgwI_ylXVnzPS8Q-oAV4AaABAg",
]
REPLY_IDS = [
    "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh",
    "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za5eJxzs1",
    "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za3E-eR-l",
]
KEY = "AIza-not-a-real-key"


def connector(http: HttpCore) -> YouTubeConnector:
    config = parse_brand_config(
        {"brands": {"acme": {"accounts": {"youtube": "AcmeChannel"}, "keywords": ["pipeline"]}}}
    )
    return YouTubeConnector(http, config, Pseudonymizer("test-key"), credentials={"YOUTUBE_API_KEY": KEY})


def client(url: str, **kwargs) -> HttpCore:
    return HttpCore(
        "youtube", url, rate_limit_style=RATE_LIMIT_STYLE, **http_options({"YOUTUBE_API_KEY": KEY}), **kwargs
    )


def landed(resp, kind: str, context: dict, day=dt.date(2019, 11, 26)) -> LandedPage:
    return LandedPage.of(resp, "youtube", "comments", day, kind, context)


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def all_days(c: YouTubeConnector, pages: list[LandedPage], first: dt.date, last: dt.date):
    records, bad = [], []
    for d in days(first, last):
        r, b = c.parse_comments(pages, d)
        records += r
        bad += b
    return records, bad


CTX = {"brand_id": "acme", "channel_id": "UC_acme", "video_id": VIDEO}


def test_comment_threads_follow_next_page_token_to_the_last_page():
    with YouTubeReplayServer() as server:
        pages = connector(client(server.url)).comment_threads(VIDEO)
    assert [len(p.json()["items"]) for p in pages] == [5, 5]
    assert [q.get("pageToken") for _, q in server.hits] == [
        None,
        token("comment_threads_comment_threads_by_video_paged_1.json"),
    ]  # page 2 has no nextPageToken: no third request
    path, query = server.hits[0]
    assert path == "/youtube/v3/commentThreads" and query["part"] == "snippet,replies"
    assert query["videoId"] == VIDEO and query["maxResults"] == "100"
    assert query["key"] == KEY  # sent to the API ...
    assert all(KEY not in p.url and "key=REDACTED" in p.url for p in pages)  # ... never landed


def test_threads_parse_into_top_level_comments_without_duplicates():
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        pages = [landed(r, "threads", CTX) for r in c.comment_threads(VIDEO)]
    records, bad = all_days(c, pages, dt.date(2019, 11, 10), dt.date(2019, 11, 30))
    assert bad == []
    # the two recorded pages repeat the same five threads: each lands once
    assert sorted(r["comment_id"] for r in records) == sorted(THREAD_IDS)
    by_id = {r["comment_id"]: r for r in records}
    for r in records:
        assert r["post_id"] == VIDEO and r["parent_id"] == VIDEO  # a top-level comment answers the video
        assert r["author_id"].startswith("p_") and r["author_handle"] is None
        assert r["is_from_tracked_account"] is False and r["lang"] is None
        assert r["created_at"].tzinfo is not None
    first = by_id["UgyZ1jqkHKYvi1-ruOZ4AaABAg"]
    assert first["text"] == "Google.com"  # textOriginal, not textDisplay's HTML link
    assert first["created_at"] == dt.datetime(2019, 11, 26, 15, 51, 44, tzinfo=dt.UTC)
    assert by_id["UgysQP-vp089eFP0Stl4AaABAg"]["like_count"] == 4
    assert by_id["UgwI_ylXVnzPS8Q-oAV4AaABAg"]["reply_count"] == 2  # totalReplyCount
    # one day's partition holds that day's comments only
    day_records, _ = c.parse_comments(pages, dt.date(2019, 11, 21))
    assert [r["comment_id"] for r in day_records] == ["Ugy4OzAuz5uJuFt3FH54AaABAg"]


def test_a_thread_with_more_replies_than_embedded_is_paged_through_comments_list():
    body = json.loads((RECORDED / "comment_threads_comment_threads_by_video_paged_1.json").read_text())
    # totalReplyCount 2, no replies embedded: the connector must ask comments.list for them
    assert threads_missing_replies(body) == ["UgwI_ylXVnzPS8Q-oAV4AaABAg"]
    full = {"items": [{"id": "t", "snippet": {"totalReplyCount": 2}, "replies": {"comments": [{}, {}]}}]}
    assert threads_missing_replies(full) == []


def test_replies_are_paged_to_the_end_and_keep_their_parent():
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        responses = c.replies(THREAD_WITH_PAGED_REPLIES)
    assert [len(r.json()["items"]) for r in responses] == [2, 1]
    assert [q.get("pageToken") for _, q in server.hits] == [
        None,
        token("comments_comments_by_parent_paged_1.json"),
    ]
    assert server.hits[0][1]["parentId"] == THREAD_WITH_PAGED_REPLIES
    pages = [landed(r, "replies", {**CTX, "thread_id": THREAD_WITH_PAGED_REPLIES}) for r in responses]
    records, bad = c.parse_comments(pages, dt.date(2019, 12, 1))
    assert bad == []
    assert [r["comment_id"] for r in records] == REPLY_IDS
    for r in records:
        assert r["parent_id"] == THREAD_WITH_PAGED_REPLIES and r["post_id"] == VIDEO
        assert r["reply_count"] is None  # YouTube reports no count for a reply: NULL, never 0
        assert r["like_count"] == 0


def test_replies_seen_both_embedded_and_paged_land_once():
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        replies = c.replies(THREAD_WITH_PAGED_REPLIES)
    # a thread embedding the first recorded reply, as commentThreads(part=replies) does
    first_reply = replies[0].json()["items"][0]
    thread = {
        "items": [
            {
                "id": THREAD_WITH_PAGED_REPLIES,
                "snippet": {
                    "videoId": VIDEO,
                    "totalReplyCount": 3,
                    "topLevelComment": {
                        "id": THREAD_WITH_PAGED_REPLIES,
                        "snippet": {**first_reply["snippet"], "parentId": None, "textOriginal": "top"},
                    },
                },
                "replies": {"comments": [first_reply]},
            }
        ]
    }
    threads = replies[0]
    threads = type(threads)(**{**vars(threads), "text": json.dumps(thread)})
    pages = [landed(threads, "threads", CTX)] + [
        landed(r, "replies", {**CTX, "thread_id": THREAD_WITH_PAGED_REPLIES}) for r in replies
    ]
    records, _ = c.parse_comments(pages, dt.date(2019, 12, 1))
    assert sorted(r["comment_id"] for r in records) == sorted([THREAD_WITH_PAGED_REPLIES, *REPLY_IDS])
    assert {r["parent_id"] for r in records if r["comment_id"] != THREAD_WITH_PAGED_REPLIES} == {
        THREAD_WITH_PAGED_REPLIES
    }


def test_search_follows_page_tokens_until_results_predate_the_window():
    start, end = dt.datetime(2015, 1, 1, tzinfo=dt.UTC), dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        pages = list(c.search_videos("surfing", start, end))
    # page 1 reaches back to 2017 (within the window), page 2 to 2013: its nextPageToken is not followed
    assert [len(p.json()["items"]) for p in pages] == [25, 25]
    assert [q.get("pageToken") for _, q in server.hits] == [None, "CBkQAA"]
    query = server.hits[0][1]
    assert (
        query["publishedAfter"] == "2015-01-01T00:00:00Z"
        and query["publishedBefore"] == "2020-01-01T00:00:00Z"
    )
    assert query["type"] == "video" and query["order"] == "date" and query["maxResults"] == "50"
    ids = c._video_ids(pages)
    assert len(ids) == 50 and len(set(ids)) == 49  # one video is on both pages
    assert ids[0] == "gQ_1zX-F_No"


def test_found_videos_are_read_again_through_videos_list_in_batches_of_50():
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        pages = list(
            c.search_videos("surfing", dt.datetime(2015, 1, 1, tzinfo=dt.UTC), dt.datetime.now(dt.UTC))
        )
        ids = c._video_ids(pages)
        with pytest.raises(ApiError) as err:  # videos.list bodies were not recorded: the replay says 404
            c.videos(ids)
    assert err.value.status == 404
    path, query = server.hits[-1]
    assert path == "/youtube/v3/videos" and query["part"] == "snippet,statistics"
    assert query["id"].split(",") == list(dict.fromkeys(ids))  # deduplicated, order kept, one call


def test_quota_exhaustion_fails_at_once_with_a_clear_message():
    # YouTube's documented error body for a spent quota (not a recording: nobody records that)
    body = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your "
            '<a href="/youtube/v3/getting-started#quota">quota</a>.',
            "errors": [{"message": "...", "domain": "youtube.quota", "reason": "quotaExceeded"}],
        }
    }
    sleeps: list[float] = []
    with ScriptedServer([(403, {"Content-Type": "application/json"}, json.dumps(body).encode())]) as srv:
        http = client(srv.url, sleep=sleeps.append, clock=lambda: 1_700_000_000.0)
        with pytest.raises(ApiError) as err:
            connector(http).comment_threads(VIDEO)
    assert err.value.status == 403 and "quota" in str(err.value) and "midnight Pacific" in str(err.value)
    assert http.requests_made == 1 and sleeps == []  # no retry: nothing helps before the reset
    assert KEY not in str(err.value)


def test_no_rate_limit_headers_but_retry_after_is_honoured():
    sleeps: list[float] = []
    page = (RECORDED / "comments_comments_by_parent_paged_2.json").read_bytes()
    script = [(429, {"Retry-After": "7"}, b""), (200, {"Content-Type": "application/json"}, page)]
    with ScriptedServer(script) as srv:
        http = client(srv.url, sleep=sleeps.append, clock=lambda: 1_700_000_000.0, retry=RetryPolicy())
        resp = http.get("/youtube/v3/comments", {"parentId": THREAD_WITH_PAGED_REPLIES})
    assert sleeps == [7.0] and len(resp.json()["items"]) == 1
    assert http._rate.remaining is None and http._rate.reset_at is None  # nothing to read: no pacing


def test_comments_disabled_means_no_threads_not_a_failed_day():
    body = {
        "error": {
            "code": 403,
            "message": 'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
            "videoId</a></code> parameter has disabled comments.",
            "errors": [{"domain": "youtube.commentThread", "reason": "commentsDisabled"}],
        }
    }
    with ScriptedServer([(403, {}, json.dumps(body).encode())]) as srv:
        assert connector(client(srv.url)).comment_threads(VIDEO) == []


def test_malformed_comments_are_quarantined_with_a_reason():
    with YouTubeReplayServer() as server:
        c = connector(client(server.url))
        resp = c.comment_threads(VIDEO)[0]
    body = resp.json()
    del body["items"][1]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    body["items"][2]["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "26/11/2019"
    body["items"].append("not an object")
    resp.text = json.dumps(body)
    records, bad = all_days(c, [landed(resp, "threads", CTX)], dt.date(2019, 11, 10), dt.date(2019, 11, 30))
    assert len(records) == 3
    # each bad item is reported on every day parsed; the reasons say why
    reasons = {b["reason"] for b in bad}
    assert "missing field 'publishedAt'" in reasons
    assert any("26/11/2019" in r for r in reasons) and any("not an object" in r for r in reasons)
