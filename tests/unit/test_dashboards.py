"""The dashboard pages on a tiny published warehouse made here: one self-contained file per page, the rows of
its queries embedded as they are (unknown stays null, never 0), nothing fetched from elsewhere, clear errors.
The figures and charts in a real browser: tests/end_to_end/test_dashboards.py."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from assets.publish import dashboards
from assets.publish.dashboards.queries import ALL
from assets.publish.warehouse import publish

NASTY = "broke again </script><script>alert(1)</script> & <b>never</b>"

DDL = {
    "community.fct_channel_daily": """(brand_id varchar, platform varchar, account_id varchar, date date,
        posts bigint, likes bigint, shares bigint, replies bigint, views bigint, engagements bigint,
        comments_received bigint, brand_replies bigint)""",
    "community.fct_best_time_slots": """(brand_id varchar, platform varchar, local_weekday integer,
        local_weekday_name varchar, local_hour integer, posts bigint, mean_engagements double,
        mean_engagement_rate_pct double, is_reliable boolean, slot_rank integer)""",
    "customer_care.fct_customer_care_daily": """(brand_id varchar, platform varchar, date date,
        member_comments bigint, answered bigint, response_rate_pct double, mean_response_minutes double,
        median_response_minutes double, mean_response_business_minutes double, sla_hours double,
        sla_breaches bigint, unanswered_beyond_sla bigint, open_backlog bigint)""",
    "audience.fct_followers_daily": """(brand_id varchar, platform varchar, account_id varchar, date date,
        followers bigint, net_new_followers bigint)""",
    "audience.fct_active_members_daily": """(brand_id varchar, platform varchar, date date,
        active_members bigint, active_members_7d bigint, active_members_30d bigint, new_members bigint,
        returning_members bigint)""",
    "audience.fct_top_influencers": """(brand_id varchar, platform varchar, date date, member_id varchar,
        reach bigint, mentions bigint, engagements bigint, rank bigint)""",
    "audience.fct_top_advocates": """(brand_id varchar, platform varchar, date date, member_id varchar,
        positive_interactions bigint, interactions bigint, rank bigint)""",
    "competitors.fct_share_of_voice_daily": """(group_id varchar, brand_id varchar, platform varchar,
        date date, is_client boolean, mentions bigint, group_mentions bigint, reach bigint, group_reach bigint,
        engagements bigint, group_engagements bigint)""",
    "competitors.fct_competitor_benchmarks_daily": """(group_id varchar, brand_id varchar, platform varchar,
        date date, posts bigint, engagements bigint)""",
    "reputation.fct_sentiment_daily": """(brand_id varchar, platform varchar, date date, has_data boolean,
        mentions bigint, mentions_positive bigint, mentions_neutral bigint, mentions_negative bigint,
        comments bigint, comments_positive bigint, comments_neutral bigint, comments_negative bigint,
        net_sentiment double)""",
    "reputation.fct_bad_buzz_alerts": """(brand_id varchar, platform varchar, date date,
        negative_mentions bigint, trailing_7d_avg_negative double, threshold double, is_alert boolean)""",
    "reputation.fct_conversation_sentiment": """(brand_id varchar, platform varchar, date date,
        item_type varchar, item_id varchar, author_id varchar, sentiment varchar, sentiment_score double,
        text varchar)""",
    "reputation.fct_live_alerts": """(incident_id varchar, brand_id varchar, kind varchar, date date,
        opened_at timestamp, last_event_at timestamp, closed_at timestamp, status varchar, platforms varchar[],
        peak_volume bigint, baseline_at_peak double, threshold_at_peak double, updates bigint,
        latest_summary varchar)""",
    "campaigns.fct_campaign_audit": """(campaign_name varchar, campaign_brand_id varchar, group_id varchar,
        brand_id varchar, is_campaign_brand boolean, platform varchar, period varchar, period_order integer,
        timezone varchar, period_start date, period_end date, days_in_period integer, days_with_data integer,
        mentions bigint, mentions_per_day double, share_of_voice_pct double, net_sentiment double, posts bigint,
        engagements bigint, engagements_per_post double, follower_growth_pct double,
        mentions_per_day_uplift_pct double, engagements_per_post_uplift_pct double,
        share_of_voice_uplift_pts double, net_sentiment_uplift double, follower_growth_uplift_pts double)""",
}


def make_warehouse(path, skip: tuple[str, ...] = ()) -> None:
    con = duckdb.connect(str(path))
    for table, columns in DDL.items():
        if table in skip:
            continue
        con.execute(f"create schema if not exists {table.split('.')[0]}")
        con.execute(f"create table {table} {columns}")
    con.execute(
        "insert into community.fct_channel_daily values "
        "('a', 'mastodon', 'acc', '2026-11-16', 2, 10, 3, 1, null, 14, 5, 2), "
        "('a', 'mastodon', 'acc2', '2026-11-16', 1, 1, 0, 0, null, 1, null, null), "
        "('b', 'x', 'bx', '2026-11-17', 0, 0, 0, 0, 7, 0, 0, 0)"
    )
    con.execute(
        "insert into competitors.fct_share_of_voice_daily values "
        "('a', 'a', 'mastodon', '2026-11-16', true, 3, 4, null, null, 5, 6), "
        "('a', 'b', 'mastodon', '2026-11-16', false, 1, 4, 10, 20, 1, 6)"
    )
    con.execute(
        "insert into reputation.fct_live_alerts values "
        "('bad_buzz:a:1', 'a', 'bad_buzz', '2026-11-16', '2026-11-16 13:10', '2026-11-16 16:05', '2026-11-16 16:05', "
        " 'closed', ['bluesky', 'mastodon'], 48, 4.0, 12.0, 2, 'bad buzz over: A'), "
        "('care_sla:a:1', 'a', 'care_sla', '2026-11-17', '2026-11-17 15:00', '2026-11-17 15:15', null, "
        " 'open', ['x'], 3, null, null, 1, ?)",
        [NASTY],
    )
    if "reputation.fct_conversation_sentiment" not in skip:
        con.execute(
            "insert into reputation.fct_conversation_sentiment values "
            "('a', 'x', '2026-11-16', 'mention', 'm1', 'p_1', 'negative', -0.9, ?), "
            "('a', 'x', '2026-11-16', 'mention', 'm2', 'p_2', 'negative', -0.5, 'meh'), "
            "('a', 'x', '2026-11-16', 'mention', 'm3', 'p_3', 'negative', -0.1, 'third: not embedded'), "
            "('a', 'x', '2026-11-16', 'mention', 'm4', 'p_4', 'positive', 0.8, 'love it')",
            [NASTY],
        )
    con.close()


@pytest.fixture
def published(tmp_path):
    make_warehouse(tmp_path / "dbt.duckdb")
    pub = publish(tmp_path / "dbt.duckdb", tmp_path / "pub", {"checks_passed": 3, "run_id": "r"})
    return tmp_path / "pub", pub.version


def embedded(text: str) -> dict:
    found = re.search(r'<script type="application/json" id="dash-data">(.*?)</script>', text, re.S)
    assert found, "no embedded data"
    return json.loads(found.group(1))


def test_every_page_is_one_self_contained_file_with_its_query_rows(published):
    publish_dir, version = published
    infos = dashboards.build_all(publish_dir)
    assert [i["path"] for i in infos] == [
        str(publish_dir / "dashboards" / f"{p.slug}.html") for p in dashboards.PAGES
    ]
    con = duckdb.connect(str(publish_dir / "current" / "warehouse.duckdb"), read_only=True)
    for page in dashboards.PAGES:
        text = (publish_dir / "dashboards" / f"{page.slug}.html").read_text()
        # nothing is fetched: no src/href to anything but the other pages, plotly.js inline, once
        markup = re.sub(r"<script\b[^>]*>.*?</script>", "", text, flags=re.S)
        links = re.findall(r"""<\w+\b[^>]*\b(?:src|href)=["']?([^"'\s>]+)""", markup)
        assert links and all(re.fullmatch(r"\w+\.html", link) for link in links), (page.slug, links)
        assert text.count("plotly.js v") >= 1 and text.count("<script") == 4, page.slug
        assert f'id="version">{version}<' in text and 'id="gate-status">passed<' in text
        payload = embedded(text)
        assert payload["publication"]["version"] == version
        assert set(payload["data"]) == set(ALL[page.slug])
        for name, sql in ALL[page.slug].items():
            cur = con.execute(sql)
            assert payload["data"][name]["columns"] == [d[0] for d in cur.description]
            assert len(payload["data"][name]["rows"]) == len(cur.fetchall()), (page.slug, name)
        for metric in page.metrics:
            assert f'data-metric="{metric.id}"' in text
        for chart in page.charts:
            assert f'id="chart-{chart.id}"' in text


def test_unknown_stays_null_and_days_are_iso_dates(published):
    publish_dir, _ = published
    dashboards.build(publish_dir, "community")
    channel = embedded((publish_dir / "dashboards" / "community.html").read_text())["data"]["channel"]
    rows = [dict(zip(channel["columns"], r, strict=True)) for r in channel["rows"]]
    a = next(r for r in rows if r["brand_id"] == "a")
    # two accounts on one platform-day: summed; views unknown on both: unknown, not 0
    assert (a["date"], a["posts"], a["engagements"], a["views"]) == ("2026-11-16", 3, 15, None)
    assert a["comments_received"] == 5  # one account's comments unknown: the known ones
    b = next(r for r in rows if r["brand_id"] == "b")
    assert (b["posts"], b["views"]) == (0, 7)


def test_text_cannot_break_out_of_the_page_and_only_a_few_negative_items_are_embedded(published):
    publish_dir, _ = published
    dashboards.build(publish_dir, "reputation")
    text = (publish_dir / "dashboards" / "reputation.html").read_text()
    assert "<script>alert(1)" not in text
    examples = embedded(text)["data"]["examples"]
    texts = [r[examples["columns"].index("text")] for r in examples["rows"]]
    assert texts == [NASTY, "meh"]  # the two most negative of the brand's day; positives never


def test_the_live_alerts_are_embedded_per_incident_with_their_platforms_and_no_payload(published):
    publish_dir, _ = published
    dashboards.build(publish_dir, "reputation")
    text = (publish_dir / "dashboards" / "reputation.html").read_text()
    assert "<script>alert(1)" not in text  # a summary cannot break out of the page either
    live = embedded(text)["data"]["live_alerts"]
    rows = [dict(zip(live["columns"], r, strict=True)) for r in live["rows"]]
    assert [(r["incident_id"], r["date"], r["status"], r["platforms"]) for r in rows] == [
        ("bad_buzz:a:1", "2026-11-16", "closed", ["bluesky", "mastodon"]),
        ("care_sla:a:1", "2026-11-17", "open", ["x"]),
    ]
    assert "payload" not in live["columns"]
    assert rows[0]["opened_at"] == "2026-11-16 13:10" and rows[1]["baseline_at_peak"] is None
    assert rows[1]["latest_summary"] == NASTY
    assert 'data-metric="open_live_alerts"' in text and 'id="table-live_alerts"' in text


def test_the_brand_picker_knows_the_client_brands(published):
    publish_dir, _ = published
    dashboards.build(publish_dir, "audience")
    brands = embedded((publish_dir / "dashboards" / "audience.html").read_text())["data"]["brands"]
    assert brands == {"columns": ["brand_id", "is_client"], "rows": [["a", True], ["b", False]]}


def test_a_missing_mart_fails_naming_the_page_and_the_query(tmp_path):
    make_warehouse(tmp_path / "dbt.duckdb", skip=("reputation.fct_conversation_sentiment",))
    publish(tmp_path / "dbt.duckdb", tmp_path / "pub", {})
    with pytest.raises(RuntimeError, match=r"dashboard reputation: query 'examples' failed"):
        dashboards.build(tmp_path / "pub", "reputation")
    assert not (tmp_path / "pub" / "dashboards" / "reputation.html").exists()


def test_nothing_published_yet_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="no published warehouse"):
        dashboards.build(tmp_path / "pub", "community")


def test_a_page_without_its_script_is_refused_when_declared():
    from assets.publish.dashboards.render import Page

    with pytest.raises(ValueError, match="its script"):
        Page(slug="nope", title="t", summary="s", queries={}, metrics=(), charts=())
