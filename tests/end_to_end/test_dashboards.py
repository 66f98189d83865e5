"""Every dashboard page of first_run's publication in a real browser (Debian's chromium, headless): it loads from
file:// with no console error and no request beyond the file, draws its charts, shows the publication and the
gate, and its headline figures equal the same figures computed here with SQL on the published marts — for the
default selection and after picking another brand and a narrower range (another campaign, brand and platform
on the campaign page). A full-page screenshot of each page lands in test-artifacts/dashboards_<page>.png.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from tests.support.chromium import headless_chromium

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PAGES = ["community", "customer_care", "audience", "competitors", "reputation", "campaigns"]
DIGITS = {"int": 0, "dec1": 1, "dec2": 2, "pct": 1, "minutes": 0}


# ---- the figures, computed from the marts independently of the pages' own queries and scripts -----------


def _one(con, sql: str, params) -> tuple:
    return con.execute(sql, params).fetchone()


def _ratio(num, den, scale=1.0):
    return None if num is None or den in (None, 0) else scale * num / den


def expected_community(con, s) -> dict:
    posts, eng, views, comments, replies = _one(
        con,
        "select sum(posts), sum(engagements), sum(views), sum(comments_received), sum(brand_replies) "
        "from community.fct_channel_daily where brand_id = ? and date between ? and ?",
        [s["brand"], s["start"], s["end"]],
    )
    return {
        "posts": posts,
        "engagements": eng,
        "engagements_per_post": _ratio(eng, posts),
        "views": views,
        "comments_received": comments,
        "brand_replies": replies,
    }


def expected_customer_care(con, s) -> dict:
    params = [s["brand"], s["start"], s["end"]]
    comments, answered, breaches, waiting = _one(
        con,
        "select sum(member_comments), sum(answered), sum(sla_breaches), sum(unanswered_beyond_sla) "
        "from customer_care.fct_customer_care_daily where brand_id = ? and date between ? and ?",
        params,
    )
    # the mean wait straight from the per-comment mart (the page derives it from the daily means)
    clock, business = _one(
        con,
        "select avg(response_minutes), avg(response_business_minutes) from customer_care.fct_comment_responses "
        "where brand_id = ? and date between ? and ? and is_answered",
        params,
    )
    return {
        "member_comments": comments,
        "answered": answered,
        "response_rate_pct": _ratio(answered, comments, 100),
        "mean_response_minutes": clock,
        "mean_response_business_minutes": business,
        "sla_breaches": breaches,
        "unanswered_beyond_sla": waiting,
    }


def expected_audience(con, s) -> dict:
    params = [s["brand"], s["start"], s["end"]]
    followers, net_new = _one(
        con,
        "select (select sum(f) from (select arg_max(followers, date) as f from audience.fct_followers_daily "
        "  where brand_id = $1 and date between $2 and $3 and followers is not null group by platform, account_id)),"
        " (select sum(net_new_followers) from audience.fct_followers_daily "
        "  where brand_id = $1 and date between $2 and $3)",
        params,
    )
    latest = (
        "select sum(v) from (select arg_max({c}, date) as v from audience.fct_active_members_daily "
        "where brand_id = $1 and date between $2 and $3 and {c} is not null group by platform)"
    )
    return {
        "followers": followers,
        "net_new_followers": net_new,
        "new_members": _one(
            con,
            "select sum(new_members) from audience.fct_active_members_daily "
            "where brand_id = $1 and date between $2 and $3",
            params,
        )[0],
        "active_members_7d": _one(con, latest.format(c="active_members_7d"), params)[0],
        "active_members_30d": _one(con, latest.format(c="active_members_30d"), params)[0],
    }


def expected_competitors(con, s) -> dict:
    # the brand's group: the one it is the client of, else the first one it belongs to
    (group,) = _one(
        con,
        "select coalesce(min(group_id) filter (where is_client), min(group_id)) "
        "from competitors.fct_share_of_voice_daily where brand_id = ?",
        [s["brand"]],
    )
    params = [group, s["brand"], s["start"], s["end"]]
    mentions, group_mentions, eng, group_eng = _one(
        con,
        "select sum(mentions), sum(group_mentions), sum(engagements), sum(group_engagements) "
        "from competitors.fct_share_of_voice_daily where group_id = $1 and brand_id = $2 and date between $3 and $4",
        params,
    )
    reach, group_reach = _one(
        con,
        "select sum(reach), sum(group_reach) from competitors.fct_share_of_voice_daily "
        "where group_id = $1 and brand_id = $2 and date between $3 and $4 "
        "and reach is not null and group_reach is not null",
        params,
    )
    bench = (
        "select sum(posts), sum(engagements) from competitors.fct_competitor_benchmarks_daily "
        "where group_id = $1 and brand_id {op} $2 and date between $3 and $4"
    )
    posts, posts_eng = _one(con, bench.format(op="="), params)
    other_posts, other_eng = _one(con, bench.format(op="<>"), params)
    return {
        "mentions": mentions,
        "share_of_voice_pct": _ratio(mentions, group_mentions, 100),
        "share_of_voice_reach_pct": _ratio(reach, group_reach, 100),
        "share_of_voice_engagement_pct": _ratio(eng, group_eng, 100),
        "posts": posts,
        "engagements_per_post": _ratio(posts_eng, posts),
        "competitors_engagements_per_post": _ratio(other_eng, other_posts),
    }


def expected_reputation(con, s) -> dict:
    params = [s["brand"], s["start"], s["end"]]
    mentions, negative, comments = _one(
        con,
        "select sum(mentions), sum(mentions_negative), sum(comments) from reputation.fct_sentiment_daily "
        "where brand_id = ? and date between ? and ?",
        params,
    )
    # net sentiment straight from the scored items (the page derives it from the daily counts)
    tone = "count(*) filter (where sentiment = 'positive'), count(*) filter (where sentiment = 'negative')"
    base = "from reputation.fct_conversation_sentiment where brand_id = ? and date between ? and ?"
    m_pos, m_neg = _one(con, f"select {tone} {base} and item_type = 'mention'", params)
    a_pos, a_neg = _one(con, f"select {tone} {base}", params)
    alerts, days = _one(
        con,
        "select count(*) filter (where is_alert), count(*) from reputation.fct_bad_buzz_alerts "
        "where brand_id = ? and date between ? and ?",
        params,
    )
    # live incidents opened in the range, still open; unknown when listening has raised no alert at all
    (incidents,) = _one(con, "select count(*) from reputation.fct_live_alerts", [])
    (open_live,) = _one(
        con,
        "select count(*) filter (where status = 'open') from reputation.fct_live_alerts "
        "where brand_id = ? and cast(opened_at as date) between ? and ?",
        params,
    )
    return {
        "mentions": mentions,
        "mentions_negative": negative,
        "mention_net_sentiment": _ratio(m_pos - m_neg, m_pos + m_neg),
        "comments": comments,
        "net_sentiment": _ratio(a_pos - a_neg, a_pos + a_neg),
        "alert_days": alerts if days else None,
        "open_live_alerts": open_live if incidents else None,
    }


CAMPAIGN_VALUES = (
    "days_in_period",
    "days_with_data",
    "mentions",
    "mentions_per_day",
    "share_of_voice_pct",
    "net_sentiment",
    "posts",
    "engagements",
    "engagements_per_post",
    "follower_growth_pct",
)
CAMPAIGN_UPLIFTS = (
    "mentions_per_day_uplift_pct",
    "share_of_voice_uplift_pts",
    "net_sentiment_uplift",
    "engagements_per_post_uplift_pct",
    "follower_growth_uplift_pts",
)


def expected_campaigns(con, s) -> dict:
    cur = con.execute(
        f"select period, {', '.join(CAMPAIGN_VALUES + CAMPAIGN_UPLIFTS)} from campaigns.fct_campaign_audit "
        "where campaign_name = ? and brand_id = ? and platform = ?",
        [s["campaign"], s["brand"], s["platform"]],
    )
    names = [d[0] for d in cur.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    assert set(rows) == {"pre", "during", "post"}, rows
    out = {f"{c}.{p}": rows[p][c] for p in rows for c in CAMPAIGN_VALUES}
    out.update({f"{c}.{p}": rows[p][c] for p in ("during", "post") for c in CAMPAIGN_UPLIFTS})
    return out


EXPECTED = {
    "community": expected_community,
    "customer_care": expected_customer_care,
    "audience": expected_audience,
    "competitors": expected_competitors,
    "reputation": expected_reputation,
    "campaigns": expected_campaigns,
}


# ---- the browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def published(pipeline, first_run):
    """The published warehouse the pages were built from (first_run built both in the same run)."""
    built = {
        m.asset_key.path[-1]
        for m in first_run.get_asset_materialization_events()
        if m.asset_key.path[:2] == ["published", "dashboards"]
    }
    assert built == set(PAGES), built
    con = pipeline.published()
    try:
        yield con
    finally:
        con.close()


class Watched:
    """A page with everything it asked for and everything it complained about."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "request",
            lambda r: None if r.url.startswith("file://") else self.problems.append(f"request to {r.url}"),
        )

    def wait_drawn(self) -> None:
        """Until the figures and charts on screen are those of the current selection (the URL's #hash)."""
        self.page.wait_for_function(
            "document.body.dataset.rendered !== undefined && document.body.dataset.rendered === location.hash"
            " || !document.getElementById('error').hidden"
        )
        error = self.page.locator("#error")
        assert error.is_hidden(), error.text_content()

    def selection(self, ids) -> dict:
        return {i: self.page.input_value(f"#{i}") for i in ids}

    def figures(self) -> dict[str, tuple[str, str, str]]:
        return {
            m: (text, value, fmt)
            for m, text, value, fmt in self.page.eval_on_selector_all(
                "[data-metric]",
                "els => els.map(e => [e.dataset.metric, e.textContent, e.dataset.value, e.dataset.format])",
            )
        }

    def close(self) -> None:
        self.context.close()


def assert_figures_equal(shown: dict, expected: dict, where: str) -> None:
    assert set(shown) == set(expected), f"{where}: figures on the page {sorted(shown)} != {sorted(expected)}"
    for metric, want in expected.items():
        text, value, fmt = shown[metric]
        if want is None:
            assert (text, value) == ("n/a", ""), f"{where}: {metric} shows {text!r}, the marts say unknown"
            continue
        assert value != "", f"{where}: {metric} shows n/a, the marts say {want}"
        assert math.isclose(float(value), float(want), rel_tol=1e-9, abs_tol=1e-9), (
            where,
            metric,
            value,
            want,
        )
        # the text is the same number, rounded for display
        number = float(text.replace(",", "").removesuffix(" %").removesuffix(" min"))
        assert abs(number - float(want)) <= 0.5 * 10 ** -DIGITS[fmt] + 1e-9, (where, metric, text, want)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize("slug", PAGES)
def test_the_page_renders_offline_with_the_published_figures(pipeline, published, browser, slug):
    path = pipeline.settings.publish_dir / "dashboards" / f"{slug}.html"
    assert path.exists(), path
    version, gate, checks = published.execute(
        "select version, gate_status, checks_passed from _publication"
    ).fetchone()
    watched = Watched(browser)
    page = watched.page
    try:
        page.goto(path.as_uri())
        watched.wait_drawn()

        # the publication and the gate, from the published warehouse's _publication table
        assert page.text_content("#version") == version
        assert page.text_content("#gate-status") == gate == "passed"
        assert int(page.text_content("#checks-passed")) == checks
        assert page.text_content("#published-at").endswith(" UTC")

        # every chart drawn by plotly.js (SVG), at least one with data for the default selection
        charts = page.eval_on_selector_all(
            "[data-chart]",
            "els => els.map(e => [e.dataset.chart, e.querySelectorAll('.main-svg').length,"
            " (e.data || []).some(t => (t.y || t.z || []).some(v => v !== null))])",
        )
        assert charts, "no chart on the page"
        assert all(svg > 0 for _, svg, _ in charts), charts
        assert any(has_data for _, _, has_data in charts), charts
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dashboards_{slug}.png"), full_page=True)

        controls = ("campaign", "brand", "platform") if slug == "campaigns" else ("brand", "start", "end")
        first = watched.selection(controls)
        assert_figures_equal(watched.figures(), EXPECTED[slug](published, first), f"{slug} {first}")

        # another brand (or campaign and platform), a narrower range, through the page's own controls
        brands = page.eval_on_selector_all("#brand option", "els => els.map(e => e.value)")
        assert len(brands) > 1, brands
        options = lambda select: page.eval_on_selector_all(f"{select} option", "els => els.map(e => e.value)")  # noqa: E731
        if slug == "campaigns":
            page.select_option("#campaign", options("#campaign")[-1])
            page.select_option("#brand", options("#brand")[-1])
            page.select_option("#platform", options("#platform")[-1])
        else:
            page.select_option("#brand", brands[-1])
            start, end = _day(first["start"]), _day(first["end"])
            assert end > start, f"the published range is one day ({start}): nothing narrower to pick"
            page.fill("#start", (start + dt.timedelta(days=1)).isoformat())
            page.dispatch_event("#start", "change")
        watched.wait_drawn()
        second = watched.selection(controls)
        assert second != first
        assert_figures_equal(watched.figures(), EXPECTED[slug](published, second), f"{slug} {second}")
        assert page.eval_on_selector_all("[data-chart] .main-svg", "els => els.length") >= len(charts)
        assert not watched.problems, watched.problems
    finally:
        watched.close()


def test_the_reputation_page_lists_the_live_alerts_opened_in_the_range(browser, tmp_path):
    """The first run's publication has no live alert (listening is off there): the table and the headline on
    the small published warehouse of the unit tests, with one closed bad buzz on 11-16 and one open care
    incident on 11-17 for brand a."""
    from assets.publish import dashboards
    from assets.publish.warehouse import publish
    from tests.unit.test_dashboards import NASTY, make_warehouse

    make_warehouse(tmp_path / "dbt.duckdb")
    publish(tmp_path / "dbt.duckdb", tmp_path / "pub", {"checks_passed": 3, "run_id": "r"})
    dashboards.build(tmp_path / "pub", "reputation")
    watched = Watched(browser)
    page = watched.page

    def shown() -> tuple[str, list[list[str]]]:
        watched.wait_drawn()
        cells = page.eval_on_selector_all(
            "#table-live_alerts tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
        return watched.figures()["open_live_alerts"][:2], cells

    try:
        page.goto((tmp_path / "pub" / "dashboards" / "reputation.html").as_uri())
        figure, rows = shown()
        assert watched.selection(("brand", "start", "end")) == {
            "brand": "a",
            "start": "2026-11-16",
            "end": "2026-11-17",
        }
        assert figure == ("1", "1")
        # open first; a summary is text, never markup
        assert rows == [
            ["open", "care SLA", "x", "2026-11-17 15:00", "2026-11-17 15:15", "3", "n/a", NASTY],
            [
                "closed",
                "bad buzz",
                "bluesky, mastodon",
                "2026-11-16 13:10",
                "2026-11-16 16:05",
                "48",
                "4.0",
                "bad buzz over: A",
            ],
        ]
        page.fill("#end", "2026-11-16")
        page.dispatch_event("#end", "change")
        figure, rows = shown()
        assert figure == ("0", "0") and [r[0] for r in rows] == ["closed"]
        page.fill("#end", "2026-11-17")  # end first: a start after the end would be swapped with it
        page.fill("#start", "2026-11-17")
        page.dispatch_event("#start", "change")
        figure, rows = shown()
        assert figure == ("1", "1") and [r[0] for r in rows] == ["open"]
        assert not watched.problems, watched.problems
    finally:
        watched.close()


def test_the_pages_link_to_each_other_and_keep_the_selection(pipeline, published, browser):
    folder = pipeline.settings.publish_dir / "dashboards"
    watched = Watched(browser)
    page = watched.page
    try:
        page.goto((folder / "community.html").as_uri())
        watched.wait_drawn()
        brand = page.eval_on_selector_all("#brand option", "els => els.map(e => e.value)")[-1]
        page.select_option("#brand", brand)
        watched.wait_drawn()
        links = page.eval_on_selector_all("nav a", "els => els.map(e => e.dataset.page)")
        assert links == PAGES
        page.click("nav a[data-page=reputation]")
        watched.wait_drawn()
        assert page.url.split("#")[0].endswith("/reputation.html")
        assert page.input_value("#brand") == brand
        assert not watched.problems, watched.problems
    finally:
        watched.close()
