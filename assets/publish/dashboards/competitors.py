"""Competitors: share of voice over time within the brand's competitive group, and channel benchmarks."""

from .render import Chart, Metric, Page

PAGE = Page(
    slug="competitors",
    title="Competitors",
    summary="How loud the brand is against its competitive group (share of the group's mentions, reach and "
    "engagement) and how its own channels compare with the competitors' (posts, engagement per post).",
    queries={
        "sov": """
            select group_id, brand_id, platform, date, is_client, mentions, group_mentions, reach, group_reach,
                   engagements, group_engagements
            from competitors.fct_share_of_voice_daily
            order by group_id, brand_id, platform, date""",
        "benchmarks": """
            select group_id, brand_id, platform, date, posts, engagements
            from competitors.fct_competitor_benchmarks_daily
            order by group_id, brand_id, platform, date""",
    },
    metrics=(
        Metric("mentions", "Mentions"),
        Metric("share_of_voice_pct", "Share of voice", "pct", "the brand's mentions / the group's mentions"),
        Metric(
            "share_of_voice_reach_pct",
            "Share of voice by reach",
            "pct",
            "over the platform-days where the reach of every mention is known",
        ),
        Metric("share_of_voice_engagement_pct", "Share of voice by engagement", "pct"),
        Metric("posts", "Posts"),
        Metric("engagements_per_post", "Engagements per post", "dec1"),
        Metric(
            "competitors_engagements_per_post",
            "Competitors' engagements per post",
            "dec1",
            "all the other members of the group together",
        ),
    ),
    charts=(
        Chart(
            "sov_over_time",
            "Share of voice per day in the brand's competitive group (%, all platforms)",
            "Each member's mentions / the group's mentions that day; days a platform was never collected are "
            "left out, not counted as silence.",
        ),
        Chart("sov_by_platform", "Share of voice by platform over the range (%)"),
        Chart("posts", "Posts per day, group members (all platforms)"),
        Chart("engagements_per_post", "Engagements per post over the range, by platform"),
    ),
)
