"""Community overview: how our own channels do (posts, engagement, comments and replies) and when to post."""

from .render import Chart, Metric, Page, Table

PAGE = Page(
    slug="community",
    title="Community overview",
    summary="How the brand's own channels are doing: what it posted, the engagement it got, the comments it "
    "received and answered, and the local hours when its posts do best.",
    queries={
        # One row per brand, platform and day (a brand may have several accounts on a platform).
        "channel": """
            select brand_id, platform, date, sum(posts) as posts, sum(likes) as likes, sum(shares) as shares,
                   sum(replies) as replies, sum(views) as views, sum(engagements) as engagements,
                   sum(comments_received) as comments_received, sum(brand_replies) as brand_replies
            from community.fct_channel_daily
            group by brand_id, platform, date
            order by brand_id, platform, date""",
        # Whole published history (the mart has no date): the slots with enough posts to be ranked.
        "best_slots": """
            select brand_id, platform, local_weekday, local_weekday_name, local_hour, posts, mean_engagements,
                   mean_engagement_rate_pct, slot_rank
            from community.fct_best_time_slots
            where is_reliable
            order by brand_id, platform, slot_rank""",
    },
    metrics=(
        Metric("posts", "Posts"),
        Metric("engagements", "Engagements", help="likes + shares + replies on the brand's posts"),
        Metric("engagements_per_post", "Engagements per post", "dec1"),
        Metric("views", "Views", help="only platforms that report views"),
        Metric("comments_received", "Comments received"),
        Metric("brand_replies", "Brand replies"),
    ),
    charts=(
        Chart("engagements", "Engagements per day, by platform"),
        Chart("posts", "Posts per day, by platform"),
        Chart("mix", "What the engagement is made of (all platforms)"),
        Chart(
            "best_slots",
            "Best local hours to post (whole published history)",
            "Mean engagements per post in each local weekday and hour with enough posts to be ranked "
            "(best_slot_min_posts); one cell per platform's slot, the best across platforms shown.",
        ),
    ),
    tables=(Table("best_slots", "Top 3 slots per platform (whole published history)"),),
)
