"""The UTC days a campaign audit backfills: pre-period, campaign and post-period in the brand's calendar."""

import datetime as dt

import pytest

from assets.brand_config import load_brand_config, parse_brand_config
from orchestration.campaign_audit import (
    NothingToAuditError,
    UnknownCampaignError,
    campaign_range,
    format_rows,
)
from orchestration.settings import REPO_ROOT

D = dt.date


def config(*campaigns, timezone="Europe/Paris"):
    return parse_brand_config(
        {
            "brands": {"acme": {"timezone": timezone, "hashtags": ["acme"]}},
            "campaigns": [
                {"name": n, "brand": "acme", "hashtags": ["x"], "start": s, "end": e} for n, s, e in campaigns
            ],
        },
        source="brands-test.yaml",
    )


def test_autumn_blend_needs_the_utc_day_before_its_pre_period_and_stops_at_yesterday():
    cfg = load_brand_config(REPO_ROOT / "brands.yaml")
    r = campaign_range(cfg, "autumn_blend_2026", today=D(2026, 11, 20))
    assert r.periods == {
        "pre": (D(2026, 10, 19), D(2026, 11, 1)),
        "during": (D(2026, 11, 2), D(2026, 11, 15)),
        "post": (D(2026, 11, 16), D(2026, 11, 29)),
    }
    # local 2026-10-19 00:00 in Paris (summer time) is 2026-10-18 22:00 UTC
    assert r.start == D(2026, 10, 18)
    assert r.wanted_end == D(2026, 11, 29)  # local 11-29 ends at 23:00 UTC the same day (winter time)
    assert (r.end, r.capped, r.days) == (D(2026, 11, 19), True, 33)


def test_a_brand_west_of_utc_needs_the_utc_day_after_its_post_period():
    cfg = config(("spring", "2026-03-02", "2026-03-08"), timezone="America/Toronto")
    r = campaign_range(cfg, "spring", today=D(2026, 6, 1))
    assert r.periods["pre"] == (D(2026, 2, 23), D(2026, 3, 1))
    assert r.periods["post"] == (D(2026, 3, 9), D(2026, 3, 15))
    assert r.start == D(2026, 2, 23)  # local midnight is 05:00 UTC the same day
    assert r.end == r.wanted_end == D(2026, 3, 16)  # local 03-15 ends at 04:00 UTC on 03-16 (summer time)
    assert not r.capped


def test_a_utc_brand_needs_exactly_its_three_periods():
    cfg = config(("flash", "2026-05-10", "2026-05-10"), timezone="UTC")
    r = campaign_range(cfg, "flash", today=D(2026, 5, 30))
    assert r.periods == {
        "pre": (D(2026, 5, 9), D(2026, 5, 9)),
        "during": (D(2026, 5, 10), D(2026, 5, 10)),
        "post": (D(2026, 5, 11), D(2026, 5, 11)),
    }
    assert (r.start, r.end, r.days, r.capped) == (D(2026, 5, 9), D(2026, 5, 11), 3, False)


def test_a_campaign_ending_in_the_future_is_audited_up_to_yesterday():
    cfg = config(("running", "2026-11-09", "2026-11-22"), timezone="UTC")
    r = campaign_range(cfg, "running", today=D(2026, 11, 20))
    assert r.start == D(2026, 10, 26)
    assert r.wanted_end == D(2026, 12, 6)
    assert (r.end, r.capped) == (D(2026, 11, 19), True)
    # today the first day of the post-period: still capped at yesterday, never today's incomplete day
    r = campaign_range(cfg, "running", today=D(2026, 11, 23))
    assert r.end == D(2026, 11, 22)


def test_a_campaign_whose_pre_period_has_not_started_has_nothing_to_audit():
    cfg = config(("later", "2027-01-10", "2027-01-20"), timezone="UTC")
    # 11 days: the pre-period starts on 2026-12-30
    with pytest.raises(NothingToAuditError, match="2026-12-30.*2026-12-29: nothing to audit yet"):
        campaign_range(cfg, "later", today=D(2026, 12, 30))
    # the pre-period's first day complete: one day to audit
    r = campaign_range(cfg, "later", today=D(2026, 12, 31))
    assert (r.start, r.end, r.days) == (D(2026, 12, 30), D(2026, 12, 30), 1)


def test_an_unknown_campaign_names_the_configured_ones():
    cfg = config(("spring", "2026-03-02", "2026-03-08"), ("autumn", "2026-10-01", "2026-10-07"))
    with pytest.raises(UnknownCampaignError) as err:
        campaign_range(cfg, "sprng", today=D(2026, 12, 1))
    msg = str(err.value)
    assert "'sprng'" in msg and "brands-test.yaml" in msg and "spring, autumn" in msg


def test_no_campaign_configured_says_so():
    with pytest.raises(UnknownCampaignError, match="are none"):
        campaign_range(config(), "spring", today=D(2026, 12, 1))


def test_rows_are_printed_as_an_aligned_table_with_unknowns_shown():
    text = format_rows(["platform", "mentions", "uplift"], [("x", None, 12.345), ("mastodon", 140, None)])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert lines[2].split() == ["x", "—", "12.35"] and lines[3].split() == ["mastodon", "140", "—"]
