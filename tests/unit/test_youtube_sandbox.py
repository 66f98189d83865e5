"""The sandbox's YouTube API: its wire format against the real recordings, and the connector walking it over
HTTP finds exactly the world's ground truth; auth, quota and faults behave like YouTube's."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections import Counter
from pathlib import Path

import pytest
import requests

from assets.brand_config import BrandConfig, load_brand_config
from assets.ingest import youtube
from assets.ingest.http_core import ApiError, HttpCore, RetryPolicy
from assets.ingest.pseudonyms import Pseudonymizer
from sandbox import FaultConfig, RateLimit, SandboxServer, World, ground_truth
from tests.support.youtube_replay import RECORDED

BRANDS_FILE = Path(__file__).resolve().parents[2] / "brands.yaml"
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def config() -> BrandConfig:
    return load_brand_config(BRANDS_FILE)


@pytest.fixture(scope="module")
def world(config) -> World:
    return World(config, seed=42, now=NOW, history_days=40, platform="youtube")


@pytest.fixture(scope="module")
def server(world):
    with SandboxServer(world) as srv:
        yield srv


def connector(url: str, config: BrandConfig, key: str | None = None, **kwargs) -> youtube.YouTubeConnector:
    creds = {"YOUTUBE_API_KEY": key} if key else {}
    http = HttpCore(
        "youtube", url, rate_limit_style=youtube.RATE_LIMIT_STYLE, **youtube.http_options(creds), **kwargs
    )
    return youtube.Connector(http, config, Pseudonymizer("test-key"), credentials=creds)


def get(url: str, **params) -> requests.Response:
    response = requests.get(url, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response


# -- (a) the wire format against the real API's recordings ---------------------------------------------------


def paths(body: object, prefix: str = "") -> set[str]:
    """Every field path of a JSON body; list elements are written []."""
    out = set()
    if isinstance(body, dict):
        for key, value in body.items():
            path = f"{prefix}.{key}" if prefix else key
            out |= {path} | paths(value, path)
    elif isinstance(body, list):
        for value in body:
            out |= paths(value, f"{prefix}[]")
    return out


def recorded(*names: str) -> set[str]:
    return set().union(*(paths(json.loads((RECORDED / n).read_text(encoding="utf-8"))) for n in names))


# What the connector reads, per endpoint.
READS = {
    "threads": {
        "nextPageToken", "items[].id", "items[].snippet.totalReplyCount", "items[].snippet.topLevelComment.id",
        "items[].snippet.topLevelComment.snippet.publishedAt",
        "items[].snippet.topLevelComment.snippet.authorChannelId.value",
        "items[].snippet.topLevelComment.snippet.textOriginal",
        "items[].snippet.topLevelComment.snippet.likeCount",
    },
    "comments": {
        "nextPageToken", "items[].id", "items[].snippet.parentId", "items[].snippet.publishedAt",
        "items[].snippet.authorChannelId.value", "items[].snippet.textOriginal", "items[].snippet.likeCount",
    },
    "search": {"nextPageToken", "items[].id.kind", "items[].id.videoId", "items[].snippet.publishedAt"},
}  # fmt: skip


def busy_thread(world: World):
    """A brand video of a few days ago and one of its threads with at least 3 replies."""
    for d in sorted(world.days(), reverse=True)[2:9]:
        for post in (s for s in world.statuses_on(d) if s.kind == "post"):
            for top in (s for s in world.descendants(post) if s.parent is post):
                if len(world.descendants(top)) >= 3:
                    return post, top
    raise AssertionError("no thread with 3 replies in the world")


def test_field_paths_match_the_recorded_responses(server, world):
    from sandbox.youtube_api import thread_id, video_id

    post, top = busy_thread(world)
    base = f"{server.url}/youtube/v3"
    threads = get(f"{base}/commentThreads", part="snippet,replies", videoId=video_id(post), maxResults=1)
    comments = get(f"{base}/comments", part="snippet", parentId=thread_id(top), maxResults=2)
    search = get(f"{base}/search", part="snippet", q="BrewBean", type="video", maxResults=2)
    sandbox = {
        k: paths(r.json()) for k, r in (("threads", threads), ("comments", comments), ("search", search))
    }
    real = {
        "threads": recorded(
            "comment_threads_comment_threads_by_video_paged_1.json",
            "comment_threads_comment_threads_by_video_paged_2.json",
        ),
        "comments": recorded(
            "comments_comments_by_parent_paged_1.json", "comments_comments_by_parent_paged_2.json"
        ),
        "search": recorded("search_search_by_keywords_p1.json", "search_search_by_keywords_p2.json"),
    }
    for endpoint, reads in READS.items():
        assert reads <= sandbox[endpoint], endpoint
        assert reads <= real[endpoint], endpoint
    # The embedded replies (part=replies) were not in the recording, made with part=snippet: they are
    # comments, and must look like comments.list's items.
    embedded = {p for p in sandbox["threads"] if p.startswith("items[].replies")}
    assert (
        embedded
        and {p.replace("items[].replies.comments[]", "items[]") for p in embedded if p.count(".") > 2}
        <= real["comments"]
    )
    assert sandbox["threads"] - embedded - {"items[].replies", "items[].replies.comments"} <= real["threads"]
    assert sandbox["comments"] <= real["comments"]
    # prevPageToken: the sandbox gives none (nobody pages backwards)
    assert sandbox["search"] <= real["search"]
    assert threads.json()["items"][0]["snippet"]["totalReplyCount"] >= 0


def test_ids_dates_and_errors_look_like_youtube(server, world):
    base = f"{server.url}/youtube/v3"
    response = get(f"{base}/channels", part="snippet,statistics,contentDetails", forHandle="@BrewBeanCoffee")
    assert abs(email.utils.parsedate_to_datetime(response.headers["Date"]) - NOW) < dt.timedelta(minutes=5)
    assert not any(h.lower().startswith(("x-ratelimit", "ratelimit")) for h in response.headers)
    channel = response.json()["items"][0]
    assert channel["id"].startswith("UC") and len(channel["id"]) == 24
    assert channel["contentDetails"]["relatedPlaylists"]["uploads"] == "UU" + channel["id"][2:]
    subscribers = int(channel["statistics"]["subscriberCount"])
    assert str(subscribers)[3:].strip("0") == ""  # three significant figures, as YouTube shows
    missing = get(f"{base}/channels", part="snippet", forHandle="@nobody_at_all").json()
    assert "items" not in missing and missing["pageInfo"]["totalResults"] == 0
    found = get(f"{base}/search", part="snippet", q="#brewbean", type="video", maxResults=50).json()
    assert len(found["items"]) == 50 and found["nextPageToken"]
    vid = found["items"][0]["id"]["videoId"]
    assert len(vid) == 11 and vid[-1] in "AEIMQUYcgkosw048"  # 64 bits in 11 base64url characters
    assert found["items"][0]["snippet"]["publishedAt"].endswith(".000Z")
    video = get(f"{base}/videos", part="snippet,statistics", id=vid).json()["items"][0]
    assert video["id"] == vid and video["statistics"]["viewCount"].isdigit()
    error = requests.get(
        f"{base}/commentThreads", params={"part": "snippet", "videoId": "AAAAAAAAAAA"}, timeout=10
    )
    assert error.status_code == 404 and error.json()["error"]["errors"][0]["reason"] == "videoNotFound"
    bad = requests.get(
        f"{base}/search", params={"part": "snippet", "q": "x", "pageToken": "nope"}, timeout=10
    )
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["reason"] == "invalidPageToken"


def test_a_thread_embeds_a_few_replies_and_comments_list_pages_the_rest(server, world, config, monkeypatch):
    from sandbox import youtube_api
    from sandbox.youtube_api import thread_id, video_id

    monkeypatch.setattr(youtube_api, "EMBEDDED_REPLIES", 2)  # YouTube's 5: the world's threads are smaller
    post, top = busy_thread(world)
    c = connector(server.url, config)
    threads = c.comment_threads(video_id(post))
    item = next(i for r in threads for i in r.json()["items"] if i["id"] == thread_id(top))
    total = item["snippet"]["totalReplyCount"]
    assert total == len(world.descendants(top)) > 2 and len(item["replies"]["comments"]) == 2
    assert thread_id(top) in youtube.threads_missing_replies(threads[0].json())
    pages = list(
        c._pages("/youtube/v3/comments", {"part": "snippet", "parentId": thread_id(top), "maxResults": 2})
    )
    assert len(pages) == (total + 1) // 2  # nextPageToken followed to the end
    replies = [i for r in pages for i in r.json()["items"]]
    assert len(replies) == total == len({r["id"] for r in replies})
    assert {r["snippet"]["parentId"] for r in replies} == {thread_id(top)}  # deeper replies filed flat


# -- (b) ground truth = what the connector finds over HTTP -------------------------------------------------


def walk(c: youtube.YouTubeConnector, day: dt.date) -> tuple[Counter, Counter, Counter, Counter]:
    posts, bad_p = c.parse_posts(c.fetch_posts(day), day)
    comments, bad_c = c.parse_comments(c.fetch_comments([day])[day], day)
    mentions, bad_m = c.parse_mentions(c.fetch_mentions(day), day)
    assert bad_p == bad_c == bad_m == []
    assert len({r["comment_id"] for r in comments}) == len(comments)
    return (
        Counter(r["brand_id"] for r in posts),
        Counter(r["brand_id"] for r in comments),
        Counter(r["brand_id"] for r in comments if r["is_from_tracked_account"]),
        Counter(r["matched_brand"] for r in mentions),
    )


@pytest.mark.parametrize(("days_ago", "embedded"), [(1, 5), (2, 1)])
def test_ground_truth_equals_what_the_connector_finds(server, world, config, days_ago, embedded, monkeypatch):
    from sandbox import youtube_api

    # With one embedded reply a thread, most threads' replies come through comments.list: same result.
    monkeypatch.setattr(youtube_api, "EMBEDDED_REPLIES", embedded)
    day = TODAY - dt.timedelta(days=days_ago)
    posts, comments, from_brand, mentions = walk(connector(server.url, config), day)
    truth = {(r["brand_id"], r["metric"]): r["value"] for r in ground_truth(world, day, day)}
    # Comments that name a brand count as mentions in the world, but YouTube's search finds videos only:
    # they cannot be observed as mentions through the API, so they are left out of what is compared.
    unobservable = Counter(b for s in world.statuses_on(day) if s.parent is not None for b in s.named)
    for bid in config.brands:
        assert posts[bid] == truth[bid, "posts"], bid
        assert comments[bid] == truth[bid, "comments"], bid
        assert from_brand[bid] == truth[bid, "comments_from_brand"], bid
        assert comments[bid] - from_brand[bid] == truth[bid, "comments_from_members"], bid
        assert mentions[bid] == truth[bid, "mentions"] - unobservable[bid], bid
    assert sum(posts.values()) > 0 and sum(comments.values()) > 20 and sum(mentions.values()) > 100


def test_snapshots_nulls_and_authors(server, config, world):
    c = connector(server.url, config)
    snaps, bad = c.parse_account_snapshots(c.fetch_account_snapshots(TODAY), TODAY)
    assert bad == [] and len(snaps) == len(config.accounts_on("youtube"))
    assert all(s["following"] is None and s["followers"] > 0 and s["posts_count"] > 0 for s in snaps)
    day = TODAY - dt.timedelta(days=1)
    mentions, _ = c.parse_mentions(c.fetch_mentions(day), day)
    assert all(m["share_count"] is None for m in mentions)
    assert any(m["like_count"] is None for m in mentions)  # likes hidden by the uploader: NULL, not 0
    assert any(m["author_followers"] is None for m in mentions)  # hidden subscriber counts
    assert all(m["author_id"].startswith("p_") and m["author_handle"] is None for m in mentions)


# -- (c) auth, quota -------------------------------------------------------------------------------------


def test_a_configured_key_is_required(world, config):
    with SandboxServer(world, access_token="s3cret") as srv:
        url = f"{srv.url}/youtube/v3/channels"
        denied = requests.get(url, params={"part": "snippet", "forHandle": "@RoastCo"}, timeout=10)
        assert denied.status_code == 403 and denied.json()["error"]["errors"][0]["reason"] == "forbidden"
        wrong = requests.get(url, params={"part": "snippet", "forHandle": "@RoastCo", "key": "x"}, timeout=10)
        assert wrong.status_code == 400 and "API key not valid" in wrong.json()["error"]["message"]
        with pytest.raises(ApiError) as err:
            connector(srv.url, config).fetch_account_snapshots(TODAY)
        assert err.value.status == 403
        c = connector(srv.url, config, key="s3cret")
        snaps, _ = c.parse_account_snapshots(c.fetch_account_snapshots(TODAY), TODAY)
        assert len(snaps) == len(config.accounts_on("youtube"))
        assert all("s3cret" not in p.url for p in c.fetch_account_snapshots(TODAY))


def test_a_spent_quota_fails_the_run_at_once(world, config):
    sleeps: list[float] = []
    with SandboxServer(world, rate_limit=RateLimit(limit=2, period_seconds=300)) as srv:
        c = connector(srv.url, config, sleep=sleeps.append)
        with pytest.raises(ApiError) as err:
            c.fetch_posts(TODAY - dt.timedelta(days=1))
    assert err.value.status == 403 and "quota" in str(err.value)
    assert c.http.requests_made == 3 and sleeps == []


# -- (d) faults are retried through, the result unchanged --------------------------------------------------


def test_faults_are_retried_through_with_the_same_result(server, world, config):
    day = TODAY - dt.timedelta(days=1)
    clean = walk(connector(server.url, config), day)
    faults = FaultConfig(
        seed=3, rate_429=0.08, rate_500=0.04, rate_502=0.04, rate_503=0.04, rate_truncated=0.08
    )
    sleeps: list[float] = []
    with SandboxServer(world, faults=faults) as srv:
        c = connector(srv.url, config, sleep=sleeps.append, retry=RetryPolicy(max_attempts=8))
        assert walk(c, day) == clean
    assert c.http.retries_made > 10 and 1.0 in sleeps  # the 429s' Retry-After: 1 was honoured
