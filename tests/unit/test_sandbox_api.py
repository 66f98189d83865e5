"""The sandbox over real HTTP: Mastodon's wire format, pagination, limits, auth, faults, and ground truth
that matches what the pipeline's connector procedure finds by walking the API."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import re
from pathlib import Path

import pytest
import requests

from assets.brand_config import BrandConfig, load_brand_config
from sandbox import FaultConfig, RateLimit, SandboxServer, World, ground_truth
from sandbox.__main__ import main
from sandbox.ids import id_for

BRANDS_FILE = Path(__file__).resolve().parents[2] / "brands.yaml"
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
# The fields of a Mastodon 4.x status (as in the recorded responses in shared/recorded/mastodon).
STATUS_KEYS = (
    "id", "created_at", "in_reply_to_id", "in_reply_to_account_id", "sensitive", "spoiler_text", "visibility",
    "language", "uri", "url", "replies_count", "reblogs_count", "favourites_count", "edited_at", "content",
    "reblog", "account", "media_attachments", "mentions", "tags", "emojis", "card", "poll",
)  # fmt: skip


@pytest.fixture(scope="module")
def config() -> BrandConfig:
    return load_brand_config(BRANDS_FILE)


@pytest.fixture(scope="module")
def world(config) -> World:
    return World(config, seed=42, now=NOW, history_days=40)


@pytest.fixture(scope="module")
def server(world):
    with SandboxServer(world) as srv:
        yield srv


@pytest.fixture()
def http():
    with requests.Session() as session:
        yield session


def get(http, url, **params):
    response = http.get(url, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response


def created(status: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))


def account_id(http, base: str, handle: str) -> str:
    return get(http, f"{base}/api/v1/accounts/lookup", acct=handle).json()["id"]


# -- the server and the wire format ---------------------------------------------------------------------


def test_binds_loopback_and_serves_the_instance(server, http):
    assert server.url.startswith("http://127.0.0.1:")
    assert server._httpd.server_address[0] == "127.0.0.1"
    response = get(http, f"{server.url}/api/v1/instance")
    assert response.json()["version"].startswith("4.") and response.json()["uri"] in server.url
    # The server's clock is the world's: a connector dating its observations by it sees `now`.
    assert abs(email.utils.parsedate_to_datetime(response.headers["Date"]) - NOW) < dt.timedelta(minutes=5)


def test_statuses_look_like_mastodon(server, http, world):
    brand = get(http, f"{server.url}/api/v1/accounts/lookup", acct="brewbean").json()
    assert brand["acct"] == "brewbean" and brand["followers_count"] > 0 and brand["statuses_count"] > 0
    assert get(http, f"{server.url}/api/v1/accounts/{brand['id']}").json() == brand
    status = get(http, f"{server.url}/api/v1/accounts/{brand['id']}/statuses", limit=1).json()[0]
    assert set(STATUS_KEYS) <= set(status)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", status["created_at"])
    assert status["visibility"] == "public" and status["account"]["id"] == brand["id"]
    assert status["content"].startswith("<p>") and status["language"] in ("fr", "en")
    # Hashtags and mentions are rendered as Mastodon does.
    tagged = get(http, f"{server.url}/api/v1/timelines/tag/brewbean", limit=40).json()
    with_tag = next(s for s in tagged if "#<span>brewbean</span>" in s["content"])
    assert (
        f'<a href="{server.url}/tags/brewbean" class="mention hashtag" rel="tag">#<span>brewbean</span></a>'
        in (with_tag["content"])
    )
    assert {"name": "brewbean", "url": f"{server.url}/tags/brewbean"} in with_tag["tags"]
    mentioned = get(http, f"{server.url}/api/v2/search", q="@brewbean", type="statuses").json()["statuses"][0]
    assert mentioned["mentions"][0]["acct"] == "brewbean"
    assert (
        f'<span class="h-card" translate="no"><a href="{server.url}/@brewbean" class="u-url mention">'
        "@<span>brewbean</span></a></span>" in mentioned["content"]
    )


def test_errors_are_json(server, http):
    missing = http.get(f"{server.url}/api/v1/accounts/lookup", params={"acct": "nobody_here"})
    assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}
    assert http.get(f"{server.url}/api/v1/statuses/123").status_code == 404
    assert http.get(f"{server.url}/api/v1/no/such/route").status_code == 404
    bad = http.get(f"{server.url}/api/v1/timelines/tag/brewbean", params={"limit": "abc"})
    assert bad.status_code == 422 and "limit" in bad.json()["error"]
    assert http.post(f"{server.url}/api/v1/statuses", data={"status": "hi"}).status_code == 405


# -- pagination ---------------------------------------------------------------------------------------


def follow(http, url: str, params: dict) -> list[dict]:
    """Every page, following Link rel="next" to the end."""
    out = []
    response = get(http, url, **params)
    while True:
        out += response.json()
        if "next" not in response.links:
            return out
        response = get(http, response.links["next"]["url"])


def test_link_pagination_walks_a_whole_timeline_without_duplicates_or_gaps(server, http, world):
    account = world.brand_accounts["velora"]
    statuses = follow(http, f"{server.url}/api/v1/accounts/{account.id}/statuses", {"limit": 40})
    expected = [
        s.id
        for d in reversed(list(world.days()))
        for s in reversed(world.day(d).by_account.get(account.id, []))
    ]
    assert [int(s["id"]) for s in statuses] == expected and len(expected) > 200
    posts = follow(
        http, f"{server.url}/api/v1/accounts/{account.id}/statuses", {"limit": 40, "exclude_replies": "true"}
    )
    assert posts and all(p["in_reply_to_id"] is None for p in posts)
    assert [p["id"] for p in posts] == [s["id"] for s in statuses if s["in_reply_to_id"] is None]


def test_link_header_and_min_id_like_mastodon(server, http):
    url = f"{server.url}/api/v1/timelines/tag/BrewBean"
    page = get(http, url, limit=5)
    items = page.json()
    assert page.headers["Link"] == (
        f'<{url}?limit=5&max_id={items[-1]["id"]}>; rel="next", '
        f'<{url}?limit=5&min_id={items[0]["id"]}>; rel="prev"'
    )
    older = get(http, url, limit=10, max_id=items[-1]["id"]).json()
    # min_id gives the statuses immediately newer than it, still newest first.
    newer = get(http, url, limit=3, min_id=older[5]["id"]).json()
    assert [s["id"] for s in newer] == [s["id"] for s in older[2:5]]
    since = get(http, url, limit=3, since_id=older[5]["id"]).json()
    assert [s["id"] for s in since] == [s["id"] for s in items[:3]]
    empty = get(http, url, max_id="1")
    assert empty.json() == [] and "Link" not in empty.headers


def test_tag_timeline_and_search_page_by_day(server, http, world):
    day = TODAY - dt.timedelta(days=2)
    upper = str(id_for(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)))
    tagged = get(http, f"{server.url}/api/v1/timelines/tag/RoastCo", limit=40, max_id=upper).json()
    assert tagged and all(created(s).date() <= day for s in tagged)
    assert all("roastco" in [t["name"] for t in s["tags"]] for s in tagged)
    found = get(http, f"{server.url}/api/v2/search", q="Kaffee Klub", type="statuses", limit=40, max_id=upper)
    statuses = found.json()["statuses"]
    assert statuses and all(re.search(r"(?<!\w)kaffee klub(?!\w)", text(s), re.I) for s in statuses)
    ids = [int(s["id"]) for s in statuses]
    assert ids == sorted(ids, reverse=True) and ids[0] < int(upper)


def test_context_returns_the_whole_tree_depth_first(server, http, world):
    post = max(
        (s for d in list(world.days())[-8:-2] for s in world.statuses_on(d) if s.kind == "post"),
        key=lambda s: len(world.descendants(s)),
    )
    context = get(http, f"{server.url}/api/v1/statuses/{post.id}/context").json()
    descendants = context["descendants"]
    assert context["ancestors"] == [] and len(descendants) == len(world.descendants(post)) > 5
    assert any(d["in_reply_to_id"] != str(post.id) for d in descendants)  # nested replies
    seen = [str(post.id)]
    for d in descendants:  # depth-first: a reply comes after its parent and within its parent's subtree
        assert d["in_reply_to_id"] in seen
        seen = seen[: seen.index(d["in_reply_to_id"]) + 1] + [d["id"]]
    deepest = descendants[-1]
    up = get(http, f"{server.url}/api/v1/statuses/{deepest['id']}/context").json()["ancestors"]
    assert up[0]["id"] == str(post.id) and up[-1]["id"] == deepest["in_reply_to_id"]
    direct = [d for d in descendants if d["in_reply_to_id"] == str(post.id)]
    assert get(http, f"{server.url}/api/v1/statuses/{post.id}").json()["replies_count"] == len(direct)


# -- limits, auth and faults ----------------------------------------------------------------------------


def test_rate_limit_headers_and_429_past_the_limit(world, http):
    with SandboxServer(world, rate_limit=RateLimit(limit=3, period_seconds=300)) as srv:
        seen = [http.get(f"{srv.url}/api/v1/instance") for _ in range(3)]
        assert [r.headers["X-RateLimit-Remaining"] for r in seen] == ["2", "1", "0"]
        assert all(r.headers["X-RateLimit-Limit"] == "3" for r in seen)
        reset = dt.datetime.strptime(seen[0].headers["X-RateLimit-Reset"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert reset.minute % 5 == 0 and reset.second == 0
        refused = http.get(f"{srv.url}/api/v1/instance")
        assert refused.status_code == 429 and refused.json() == {"error": "Too many requests"}
        assert 1 <= int(refused.headers["Retry-After"]) <= 300
        assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_a_configured_token_is_required(world, http):
    with SandboxServer(world, access_token="s3cret") as srv:
        denied = http.get(f"{srv.url}/api/v1/accounts/lookup", params={"acct": "brewbean"})
        assert denied.status_code == 401 and denied.json() == {"error": "The access token is invalid"}
        assert "X-RateLimit-Limit" in denied.headers
        wrong = http.get(f"{srv.url}/api/v1/instance", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = http.get(f"{srv.url}/api/v1/instance", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200


def test_faults_are_deterministic_and_real(world, http):
    faults = FaultConfig(seed=5, rate_429=0.1, rate_500=0.1, rate_502=0.05, rate_503=0.05, rate_truncated=0.1)
    plan = [faults.fault_for(n) for n in range(1, 201)]
    assert plan == [FaultConfig(**vars(faults)).fault_for(n) for n in range(1, 201)]
    assert {"429", "500", "502", "503", "truncated", None} == set(plan)
    assert FaultConfig().fault_for(1) is None
    with SandboxServer(world, faults=FaultConfig(rate_503=1.0)) as srv:
        assert http.get(f"{srv.url}/api/v1/instance").status_code == 503
    with SandboxServer(world, faults=FaultConfig(rate_429=1.0, retry_after_seconds=7)) as srv:
        limited = http.get(f"{srv.url}/api/v1/instance")
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    with (
        SandboxServer(world, faults=FaultConfig(rate_truncated=1.0)) as srv,
        pytest.raises(requests.exceptions.RequestException),
    ):
        http.get(f"{srv.url}/api/v1/instance").json()


# -- ground truth = what the connector procedure finds -------------------------------------------------


def text(status: dict) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", status["content"]))


def pages_until(http, url: str, params: dict, before: dt.datetime, link: bool = True) -> list[dict]:
    """Pages newest first until a status created before `before` shows up (the connector's stop rule)."""
    out: list[dict] = []
    response = get(http, url, **params)
    while True:
        page = response.json()
        page = page["statuses"] if isinstance(page, dict) else page
        out += page
        if not page or created(page[-1]) < before:
            return out
        if link:
            if "next" not in response.links:
                return out
            response = get(http, response.links["next"]["url"])
        else:  # search has no Link header: next page below the oldest status seen
            response = get(http, url, **{**params, "max_id": page[-1]["id"]})


def walk_day(http, base: str, config: BrandConfig, day: dt.date) -> dict[str, dict[str, int]]:
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    upper = str(id_for(start + dt.timedelta(days=1)))
    on_day = lambda s: created(s).date() == day  # noqa: E731
    found: dict[str, dict[str, int]] = {}
    handles = config.accounts_on("mastodon")
    ids = {bid: account_id(http, base, h) for bid, h in handles.items()}
    for bid, acct_id in ids.items():
        own = pages_until(
            http, f"{base}/api/v1/accounts/{acct_id}/statuses", {"limit": 40, "max_id": upper},
            start - dt.timedelta(days=6),
        )  # fmt: skip
        posts = [s for s in own if s["in_reply_to_id"] is None]
        comments = [
            d
            for p in posts
            for d in get(http, f"{base}/api/v1/statuses/{p['id']}/context").json()["descendants"]
            if on_day(d)
        ]
        found[bid] = {
            "posts": sum(on_day(p) for p in posts),
            "comments": len(comments),
            "comments_from_brand": sum(c["account"]["id"] == acct_id for c in comments),
        }
    candidates: dict[str, dict] = {}
    for b in config.brands.values():
        for tag in b.hashtags:
            for s in pages_until(
                http, f"{base}/api/v1/timelines/tag/{tag}", {"limit": 40, "max_id": upper}, start
            ):
                candidates[s["id"]] = s
        queries = [*b.keywords, *([f"@{handles[b.brand_id]}"] if b.brand_id in handles else [])]
        for q in queries:
            params = {"q": q, "type": "statuses", "limit": 40, "max_id": upper}
            for s in pages_until(http, f"{base}/api/v2/search", params, start, link=False):
                candidates[s["id"]] = s
    for b in config.brands.values():
        found.setdefault(b.brand_id, {})["mentions"] = sum(
            on_day(s) and names_brand(s, b, handles.get(b.brand_id)) for s in candidates.values()
        )
    return found


def names_brand(status: dict, brand, handle: str | None) -> bool:
    """The connector's rule: keyword (whole word) in the text, hashtag in tags, handle in mentions."""
    if handle and status["account"]["acct"].lower() == handle.lower():
        return False  # a brand's own statuses are not mentions of it
    keyword = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, brand.keywords)) + r")(?!\w)", re.I)
    return bool(
        (brand.keywords and keyword.search(text(status)))
        or {t.lower() for t in brand.hashtags} & {t["name"].lower() for t in status["tags"]}
        or (handle and handle.lower() in {m["acct"].lower() for m in status["mentions"]})
    )


@pytest.mark.parametrize("days_ago", [1, 2])
def test_ground_truth_equals_what_walking_the_api_finds(server, http, world, config, days_ago):
    day = TODAY - dt.timedelta(days=days_ago)
    walked = walk_day(http, server.url, config, day)
    truth = {(r["brand_id"], r["metric"]): r["value"] for r in ground_truth(world, day, day)}
    for bid, counts in walked.items():
        for metric, value in counts.items():
            assert value == truth[bid, metric], (bid, metric)
    assert sum(walked[b]["mentions"] for b in walked) > 100
    for members in config.competitive_groups().values():
        total = sum(walked[m]["mentions"] for m in members)
        for m in members:
            share = truth[m, "share_of_voice"]
            assert share == pytest.approx(100 * walked[m]["mentions"] / total)


def test_followers_today_match_the_account(server, http, world):
    truth = {
        r["brand_id"]: r["value"] for r in ground_truth(world, TODAY, TODAY) if r["metric"] == "followers"
    }
    for bid, handle in world.config.accounts_on("mastodon").items():
        account = get(http, f"{server.url}/api/v1/accounts/lookup", acct=handle).json()
        assert account["followers_count"] == truth[bid]


def test_ground_truth_is_served_outside_the_api(server, http, world):
    day = TODAY - dt.timedelta(days=1)
    served = get(http, f"{server.url}/_sandbox/ground_truth", start=str(day), end=str(day)).json()
    assert served == ground_truth(world, day, day)
    assert "X-RateLimit-Limit" not in http.get(f"{server.url}/_sandbox/ground_truth?start=x&end=y").headers


def test_command_line_prints_the_ground_truth(capsys, world):
    day = str(TODAY - dt.timedelta(days=1))
    argv = [
        "ground-truth",
        "--start",
        day,
        "--end",
        day,
        "--now",
        "2026-11-20T06:00:00Z",
        "--history-days",
        "40",
    ]
    assert main([*argv, "--brands", str(BRANDS_FILE)]) == 0
    yesterday = TODAY - dt.timedelta(days=1)
    assert json.loads(capsys.readouterr().out) == ground_truth(world, yesterday, yesterday)
