"""Audience, competitor-benchmark and campaign-audit marts against figures derived independently from the World.

Expected values are counted straight from the sandbox's simulation (statuses, their authors, their local
day), restricted only to what the pipeline can see: the UTC days it ingested, X's 7-day recent search,
and Facebook's Graph API showing only the posts that tag a tracked Page.
"""

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest

from tests.end_to_end.conftest import FIRST, HISTORY_FIRST, LAST, NOW

pytestmark = pytest.mark.e2e
ONE_DAY = dt.timedelta(days=1)
# X's recent search reaches 7 days back from the (frozen) clock: a day starting earlier is never fetched.
X_EARLIEST = NOW - dt.timedelta(days=7)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + ONE_DAY * i for i in range((last - first).days + 1)]


def utc_day(ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date()


def local_day(ms: int, tz: str) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).astimezone(ZoneInfo(tz)).date()


def mention_days_seen(platform: str, ingested: list[dt.date]) -> set[dt.date]:
    """The UTC days whose mentions the pipeline holds: the runs' days, minus X's days out of search reach."""
    if platform != "x":
        return set(ingested)
    return {d for d in ingested if dt.datetime.combine(d, dt.time(), dt.UTC) >= X_EARLIEST}


def observable_mentions(world, day: dt.date):
    """(status, brand id) for every mention of the day an API can find (top-level statuses; on Facebook only
    those tagging a tracked Page)."""
    pages = {a.id for a in world.brand_accounts.values()}
    for st in world.statuses_on(day):
        if st.parent is not None or not st.named:
            continue
        if world.platform == "facebook" and not any(a.id in pages for a in st.mentions):
            continue
        for bid in st.named:
            yield st, bid


def active_members(world, day: dt.date) -> dict[str, set[int]]:
    """brand id -> ids of the members of the public who commented under its posts or named it that day."""
    active: dict[str, set[int]] = defaultdict(set)
    for st in world.statuses_on(day):
        if st.root is not None and st.account.brand_id is None:
            active[st.root.account.brand_id].add(st.account.id)
    for st, bid in observable_mentions(world, day):
        if st.account.brand_id is None:
            active[bid].add(st.account.id)
    return active


# -- first_run (2026-11-16..18) -----------------------------------------------------------------------


def test_active_members_per_brand_platform_and_day_equal_the_worlds_distinct_members(pipeline, first_run):
    con = pipeline.published()
    got = {
        (p, b, d): (n, new, ret)
        for p, b, d, n, new, ret in con.execute(
            "select platform, brand_id, date, active_members, new_members, returning_members "
            "from audience.fct_active_members_daily"
        ).fetchall()
    }
    brands = list(pipeline.worlds["mastodon"].config.brands)
    assert len(got) == len(brands) * len(pipeline.worlds) * 3
    total = 0
    for platform, world in pipeline.worlds.items():
        seen_before: dict[str, set[int]] = defaultdict(set)  # the lake starts at FIRST in this run
        for day in days(FIRST, LAST):
            active = active_members(world, day)
            for bid in brands:
                members = active.get(bid, set())
                new = members - seen_before[bid]
                assert got[(platform, bid, day)] == (len(members), len(new), len(members) - len(new)), (
                    platform,
                    bid,
                    day,
                )
                seen_before[bid] |= members
                total += len(members)
    assert total > 1000


def test_active_members_over_seven_days_count_each_member_once(pipeline, first_run):
    con = pipeline.published()
    got = {
        (p, b): n
        for p, b, n in con.execute(
            "select platform, brand_id, active_members_7d from audience.fct_active_members_daily where date = ?",
            [LAST],
        ).fetchall()
    }
    for platform, world in pipeline.worlds.items():
        window: dict[str, set[int]] = defaultdict(set)
        for day in days(FIRST, LAST):  # the lake holds nothing before FIRST in this run
            for bid, members in active_members(world, day).items():
                window[bid] |= members
        for bid in world.config.brands:
            assert got[(platform, bid)] == len(window.get(bid, set())), (platform, bid)


def test_benchmark_posts_and_competitor_average_equal_the_worlds(pipeline, first_run):
    con = pipeline.published()
    rows = con.execute(
        "select group_id, brand_id, platform, date, posts, competitor_avg_posts, posts_index "
        "from competitors.fct_competitor_benchmarks_daily"
    ).fetchall()
    groups = pipeline.worlds["mastodon"].config.competitive_groups()
    assert len(rows) == sum(len(m) for m in groups.values()) * len(pipeline.worlds) * 3
    for g, b, p, d, posts, avg, index in rows:
        world = pipeline.worlds[p]
        expected = {m: len(world.posts(m, d)) for m in groups[g] if m in world.brand_accounts}
        assert posts == expected[b], (g, b, p, d)
        others = [n for m, n in expected.items() if m != b]
        want_avg = sum(others) / len(others) if others else None
        assert avg == (None if want_avg is None else pytest.approx(want_avg)), (g, b, p, d)
        assert index == (pytest.approx(100.0 * posts / want_avg) if want_avg else None), (g, b, p, d)
    assert sum(r[4] for r in rows) > 100


# -- history_run (2026-10-19..11-18, after first_run: sorted last) -------------------------------------


def campaign_mentions(pipeline, campaign: str, ingested: list[dt.date]) -> dict:
    """(platform, brand, period) -> (days_with_data, mentions) from the World, for every member of the
    campaign brand's group: mentions on the period's local days (campaign brand's time zone) that have data,
    created on a UTC day the pipeline ingested."""
    config = pipeline.worlds["mastodon"].config
    spec = next(c for c in config.campaigns if c.name == campaign)
    tz = config.brands[spec.brand_id].timezone
    length = (spec.end - spec.start).days + 1
    periods = {
        "pre": (spec.start - ONE_DAY * length, spec.start - ONE_DAY),
        "during": (spec.start, spec.end),
        "post": (spec.end + ONE_DAY, spec.end + ONE_DAY * length),
    }
    members = config.competitive_groups()[spec.brand_id]
    out = {}
    for platform, world in pipeline.worlds.items():
        seen = mention_days_seen(platform, ingested)
        counts: Counter = Counter()
        for day in sorted(seen):
            for st, bid in observable_mentions(world, day):
                counts[bid, local_day(st.ms, tz)] += 1
        for period, (start, end) in periods.items():
            covered = [d for d in days(start, end) if d in seen]  # a local day has data: its date's UTC day
            for bid in members:
                n = sum(counts[bid, d] for d in covered)
                out[platform, bid, period] = (len(covered), n if covered else None)
    return out


def audit(pipeline, campaign: str) -> dict:
    con = pipeline.published()
    cols = (
        "platform, brand_id, period, period_start, period_end, days_in_period, days_with_data, mentions, "
        "mentions_per_day, share_of_voice_pct, mentions_per_day_uplift_pct, share_of_voice_uplift_pts"
    )
    rows = con.execute(
        f"select {cols} from campaigns.fct_campaign_audit where campaign_name = ?", [campaign]
    ).fetchall()
    names = [c.strip() for c in cols.split(",")]
    return {(r[0], r[1], r[2]): dict(zip(names, r, strict=True)) for r in rows}


def pct_change(new, old):
    return None if new is None or not old else pytest.approx(100.0 * (new - old) / old)


def test_autumn_blend_mentions_during_vs_pre_and_uplift_equal_the_worlds(pipeline, history_run):
    ingested = days(HISTORY_FIRST, LAST)
    expected = campaign_mentions(pipeline, "autumn_blend_2026", ingested)
    got = audit(pipeline, "autumn_blend_2026")
    assert set(got) == set(expected)
    for platform in pipeline.worlds:
        pre, during = got[platform, "brewbean", "pre"], got[platform, "brewbean", "during"]
        assert (pre["period_start"], pre["period_end"]) == (dt.date(2026, 10, 19), dt.date(2026, 11, 1))
        assert (during["period_start"], during["period_end"]) == (dt.date(2026, 11, 2), dt.date(2026, 11, 15))
        assert pre["days_in_period"] == during["days_in_period"] == 14
        for row in (pre, during):
            days_with_data, mentions = expected[platform, "brewbean", row["period"]]
            assert (row["days_with_data"], row["mentions"]) == (days_with_data, mentions), (platform, row)
            assert row["mentions_per_day"] == (
                pytest.approx(mentions / days_with_data) if days_with_data else None
            )
        assert during["mentions_per_day_uplift_pct"] == pct_change(
            during["mentions_per_day"], pre["mentions_per_day"]
        ), platform
        group = [expected[platform, b, "during"][1] for b in ("brewbean", "roastco", "kaffeeklub")]
        share = 100.0 * group[0] / sum(group) if group[0] is not None and sum(group) else None
        assert during["share_of_voice_pct"] == (None if share is None else pytest.approx(share)), platform
    # every platform but X reaches back over the whole pre-period; X's 7-day search does not
    assert (
        got["x", "brewbean", "pre"]["mentions"] is None and got["x", "brewbean", "pre"]["days_with_data"] == 0
    )
    assert got["x", "brewbean", "during"]["mentions_per_day_uplift_pct"] is None
    assert 0 < got["x", "brewbean", "during"]["days_with_data"] < 14
    assert got["mastodon", "brewbean", "pre"]["days_with_data"] == 14
    assert got["mastodon", "brewbean", "during"]["mentions"] > 100


def test_winter_ride_reports_its_partial_coverage_honestly(pipeline, history_run):
    ingested = days(HISTORY_FIRST, LAST)
    expected = campaign_mentions(pipeline, "winter_ride_2026", ingested)
    got = audit(pipeline, "winter_ride_2026")
    for (platform, bid, period), (days_with_data, mentions) in expected.items():
        row = got[platform, bid, period]
        assert (row["days_with_data"], row["mentions"]) == (days_with_data, mentions), (platform, bid, period)
    for platform in pipeline.worlds:
        during, post = got[platform, "velora", "during"], got[platform, "velora", "post"]
        # 11-09..11-22 local; the lake ends on 2026-11-18: the last days of the campaign have no data
        assert during["days_in_period"] == 14 and 0 < during["days_with_data"] < 14
        assert during["days_with_data"] == (5 if platform == "x" else 10)
        # the post-period (11-23..12-06) lies wholly after the data: unknown, not zero
        assert (post["days_with_data"], post["mentions"], post["mentions_per_day"]) == (0, None, None)
        assert post["mentions_per_day_uplift_pct"] is None and post["share_of_voice_uplift_pts"] is None
