"""The simulated world: deterministic, bounded by `now`, realistic enough for the marts to say something."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

import pytest

from assets.brand_config import load_brand_config
from sandbox import World, ground_truth
from sandbox.generate import BAD_BUZZ_BLOCK_DAYS, THREAD_MAX, THREAD_SPAN_MS
from sandbox.ids import day_of_ms, epoch_day, id_for

BRANDS_FILE = Path(__file__).resolve().parents[2] / "brands.yaml"
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def config():
    return load_brand_config(BRANDS_FILE)


@pytest.fixture(scope="module")
def world(config):
    return World(config, seed=42, now=NOW, history_days=120)


def days_back(n: int, end: dt.date = TODAY) -> list[dt.date]:
    return [end - dt.timedelta(days=k) for k in range(n)]


def snapshot(world: World, day: dt.date) -> list[tuple]:
    return [
        (s.id, s.ms, s.account.id, s.text, s.kind, s.sentiment, s.parent.key if s.parent else None)
        for s in world.statuses_on(day)
    ]


def test_same_seed_and_day_give_the_same_statuses_whatever_was_asked_before(config):
    day = TODAY - dt.timedelta(days=3)
    forward = World(config, seed=42, now=NOW, history_days=30)
    for d in reversed(days_back(12)):
        forward.day(d)
    direct = World(config, seed=42, now=NOW, history_days=30)
    assert snapshot(direct, day) == snapshot(forward, day)
    # A longer history does not change a day both worlds hold (beyond the first thread span).
    longer = World(config, seed=42, now=NOW, history_days=90)
    assert snapshot(longer, day) == snapshot(direct, day)


def test_another_seed_gives_another_world(config):
    day = TODAY - dt.timedelta(days=3)
    a = World(config, seed=42, now=NOW, history_days=10)
    b = World(config, seed=7, now=NOW, history_days=10)
    assert [s.text for s in a.statuses_on(day)] != [s.text for s in b.statuses_on(day)]
    assert {m.username for m in a.members} != {m.username for m in b.members}


def test_nothing_exists_after_now_or_before_the_start(world):
    now_ms = world.now_ms
    assert world.statuses_on(TODAY) and all(s.ms <= now_ms for s in world.statuses_on(TODAY))
    assert world.statuses_on(TODAY + dt.timedelta(days=1)) == []
    assert world.statuses_on(world.start - dt.timedelta(days=1)) == []
    for day in days_back(6):
        for post in [s for s in world.statuses_on(day) if s.kind == "post"]:
            assert all(r.ms <= now_ms for r in world.descendants(post))
            assert world.replies(post) == [c for c in post.children if c.ms <= now_ms]
    assert world.status(id_for(NOW + dt.timedelta(hours=1))) is None
    # The brand's latest replies are those made before now, not those it will make.
    assert max(s.ms for s in world.statuses_on(TODAY)) <= now_ms


def test_ids_are_unique_snowflakes_that_sort_with_time(world):
    seen: set[int] = set()
    previous = 0
    for day in reversed(days_back(20)):
        for s in world.statuses_on(day):
            assert s.id >> 16 == s.ms and s.id > previous and s.id not in seen
            assert day_of_ms(s.ms) == day
            seen.add(s.id)
            previous = s.id
            assert world.status(s.id) is s


def test_thirty_days_generate_quickly(config):
    started = time.perf_counter()
    fresh = World(config, seed=3, now=NOW, history_days=400)
    for day in days_back(30):
        fresh.day(day)
    assert time.perf_counter() - started < 5


def _totals(rows: list[dict]) -> dict[tuple[str, str, str], float]:
    return {(r["brand_id"], r["day"], r["metric"]): r["value"] for r in rows}


def test_volumes_follow_the_brief(world, config):
    rows = ground_truth(world, TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=1))
    t = _totals(rows)
    days = [d.isoformat() for d in days_back(30, TODAY - dt.timedelta(days=1))]
    for b in config.brands.values():
        posts = [t[b.brand_id, d, "posts"] for d in days]
        mentions = [t[b.brand_id, d, "mentions"] for d in days]
        if b.role == "client":
            assert all(1 <= p <= 5 for p in posts)
            assert all(m >= 20 for m in mentions)
        else:
            assert all(0 <= p <= 3 for p in posts) and sum(posts) > 0
            assert sum(mentions) < sum(t["brewbean", d, "mentions"] for d in days)
        assert sum(t[b.brand_id, d, "comments"] for d in days) > 0


def test_posts_follow_the_week_and_office_hours(world, config):
    by_weekday, by_hour = Counter(), Counter()
    for day in days_back(119):
        for s in world.statuses_on(day):
            if s.kind == "post" and s.account.brand_id in ("brewbean", "velora"):
                local = dt.datetime.fromtimestamp(s.ms / 1000, world.generator.tz[s.account.brand_id])
                by_weekday[local.weekday()] += 1
                by_hour[local.hour] += 1
    assert by_weekday[2] > by_weekday[6] * 2  # Wednesdays busier than Sundays
    assert sum(by_hour[h] for h in range(8, 19)) > 0.9 * sum(by_hour.values())


def test_languages_and_audience_are_mixed(world):
    french = sum(m.lang == "fr" for m in world.members) / len(world.members)
    assert 0.33 < french < 0.47
    followers = sorted(m.followers for m in world.members)
    assert followers[len(followers) // 2] <= 500 and followers[-1] >= 10_000 and followers[0] >= 5


def test_a_brand_never_mentions_itself_and_noise_names_nobody(world):
    noise = []
    for day in days_back(10):
        for s in world.statuses_on(day):
            assert s.account.brand_id not in s.named
            if s.kind == "noise":
                noise.append(s)
                assert not s.named
    near_miss = ("bean", "brewbeans", "roastcos", "kaffeeklubs", "veloras", "brewbeanlover")
    assert any(any(w in s.text.lower() for w in near_miss) for s in noise)


def test_one_bad_buzz_day_per_28_day_block_with_mostly_negative_mentions(world, config):
    first_block = epoch_day(world.start) // BAD_BUZZ_BLOCK_DAYS + 1
    last_block = epoch_day(TODAY) // BAD_BUZZ_BLOCK_DAYS - 1
    assert last_block - first_block >= 2
    for client in config.clients:
        for block in range(first_block, last_block + 1):
            block_days = [
                dt.date(1970, 1, 1) + dt.timedelta(days=block * BAD_BUZZ_BLOCK_DAYS + k)
                for k in range(BAD_BUZZ_BLOCK_DAYS)
            ]
            rows = _totals(ground_truth(world, block_days[0], block_days[-1]))
            flagged = [d for d in block_days if (client.brand_id, d.isoformat(), "bad_buzz") in rows]
            assert len(flagged) == 1
            buzz = flagged[0].isoformat()
            mentions = rows[client.brand_id, buzz, "mentions"]
            assert rows[client.brand_id, buzz, "mentions_negative"] > 0.6 * mentions
            assert mentions == max(rows[client.brand_id, d.isoformat(), "mentions"] for d in block_days)
            assert mentions >= 150


def test_threads_stay_within_their_span_and_clients_answer_most_comments(world, config):
    answered = asked = 0
    for day in days_back(30, TODAY - dt.timedelta(days=6)):
        for s in world.statuses_on(day):
            if s.kind != "post":
                continue
            thread = world.descendants(s)
            assert len(thread) <= THREAD_MAX
            assert all(s.ms < r.ms <= s.ms + THREAD_SPAN_MS and r.root is s for r in thread)
            if config.brands[s.account.brand_id].role == "client":
                for comment in world.replies(s):
                    asked += 1
                    answered += any(c.account is s.account for c in world.replies(comment))
    assert 0.75 < answered / asked < 0.9


def test_campaign_hashtags_only_during_the_campaign(world, config):
    campaign = config.campaigns[0]
    tz = world.generator.tz[campaign.brand_id]
    seen_inside = False
    for day in days_back(60):
        for s in world.statuses_on(day):
            if campaign.hashtags[0].lower() in s.tags:
                local_day = dt.datetime.fromtimestamp(s.ms / 1000, tz).date()
                assert campaign.start <= local_day <= campaign.end
                seen_inside = True
    assert seen_inside


def test_followers_grow_jump_with_campaigns_and_dip_after_a_bad_buzz(world):
    gen = world.generator
    days = days_back(110)
    adds = {d: gen.net_follows("brewbean", d) for d in days}
    campaign = [adds[d] for d in days if gen.campaign_day("brewbean", d)]
    ordinary = [
        adds[d]
        for d in days
        if not gen.campaign_day("brewbean", d)
        and not any(gen.is_bad_buzz("brewbean", d - dt.timedelta(days=k)) for k in range(3))
    ]
    after_buzz = [adds[d + dt.timedelta(days=1)] for d in days[1:] if gen.is_bad_buzz("brewbean", d)]
    assert sum(campaign) / len(campaign) > 2 * sum(ordinary) / len(ordinary) > 0
    assert after_buzz and max(after_buzz) < 0
    yesterday = TODAY - dt.timedelta(days=1)
    assert world.followers_end_of_day("brewbean", yesterday) - world.followers_end_of_day(
        "brewbean", yesterday - dt.timedelta(days=1)
    ) == gen.net_follows("brewbean", yesterday)


def test_ground_truth_is_consistent(world, config):
    rows = ground_truth(world, TODAY - dt.timedelta(days=3), TODAY)
    t = _totals(rows)
    assert {r["day"] for r in rows} == {d.isoformat() for d in days_back(4)}
    for b in config.brands:
        for d in days_back(4):
            k = d.isoformat()
            assert t[b, k, "comments"] == t[b, k, "comments_from_members"] + t[b, k, "comments_from_brand"]
            sentiments = sum(t[b, k, f"mentions_{s}"] for s in ("positive", "neutral", "negative"))
            assert t[b, k, "mentions"] == sentiments
    for group_id, members in config.competitive_groups().items():
        for d in days_back(4):
            shares = [
                r["value"]
                for r in rows
                if r["metric"] == "share_of_voice" and r["group_id"] == group_id and r["day"] == d.isoformat()
            ]
            assert len(shares) == len(members) and sum(shares) == pytest.approx(100)
    followers = {
        r["brand_id"]: r["value"] for r in rows if r["metric"] == "followers" and r["day"] == str(TODAY)
    }
    assert followers["brewbean"] == world.followers_count(world.brand_accounts["brewbean"])
