"""Campaign audit: what a campaign changed, its pre-period, the campaign and its post-period side by side."""

from .render import Chart, Page, Table

PAGE = Page(
    slug="campaigns",
    title="Campaign audit",
    summary="Pick a campaign from brands.yaml, a brand of its competitive group and a platform: the period "
    "before the campaign (as many days), the campaign and the period after it, side by side, with the uplift "
    "of the campaign and of the post-period against the pre-period.",
    queries={
        "audit": """
            select campaign_name, campaign_brand_id, group_id, brand_id, is_campaign_brand, platform, period,
                   period_order, timezone, period_start, period_end, days_in_period, days_with_data, mentions,
                   mentions_per_day, share_of_voice_pct, net_sentiment, posts, engagements,
                   engagements_per_post, follower_growth_pct, mentions_per_day_uplift_pct,
                   engagements_per_post_uplift_pct, share_of_voice_uplift_pts, net_sentiment_uplift,
                   follower_growth_uplift_pts
            from campaigns.fct_campaign_audit
            order by campaign_name, brand_id, platform, period_order""",
    },
    controls="campaign",
    tables_first=True,
    metrics=(),  # the figures are the cells of the side-by-side table (data-metric="<column>.<period>")
    charts=(
        Chart("mentions_per_day", "Mentions per day, by period and platform (the brand)"),
        Chart("share_of_voice", "Share of voice by period, the group's brands (the platform, %)"),
        Chart("engagements_per_post", "Engagements per post by period and platform (the brand)"),
    ),
    tables=(
        Table(
            "periods",
            "Pre-period, campaign and post-period",
            "Local days in the campaign brand's timezone. Uplifts compare with the pre-period: per-day mentions "
            "and engagement per post in %, share of voice and follower growth in points, net sentiment as a "
            "difference. A period not over yet, or days never collected, show as days with data < days.",
        ),
    ),
)
