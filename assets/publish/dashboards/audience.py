"""Audience: is it growing, how many members take part, who are the advocates and influencers."""

from .render import Chart, Metric, Page, Table

TOP = 10  # members listed per brand and day: the page shows the ranking on the last day of the range

PAGE = Page(
    slug="audience",
    title="Audience",
    summary="Followers and their growth, the members who take part in the brand's conversation, and the "
    "members who speak up for it (advocates) or carry it furthest (influencers).",
    queries={
        "followers": """
            select brand_id, platform, account_id, date, followers, net_new_followers
            from audience.fct_followers_daily
            order by brand_id, platform, account_id, date""",
        "members": """
            select brand_id, platform, date, active_members, active_members_7d, active_members_30d,
                   new_members, returning_members
            from audience.fct_active_members_daily
            order by brand_id, platform, date""",
        # The marts rank members per platform over a rolling window ending each day; here across platforms.
        "influencers": f"""
            select brand_id, date, platform, member_id, reach, mentions, engagements
            from audience.fct_top_influencers
            qualify row_number() over (
                partition by brand_id, date order by reach desc nulls last, mentions desc, member_id) <= {TOP}
            order by brand_id, date, reach desc nulls last, mentions desc, member_id""",
        "advocates": f"""
            select brand_id, date, platform, member_id, positive_interactions, interactions
            from audience.fct_top_advocates
            qualify row_number() over (
                partition by brand_id, date order by positive_interactions desc, interactions desc, member_id
            ) <= {TOP}
            order by brand_id, date, positive_interactions desc, interactions desc, member_id""",
    },
    metrics=(
        Metric(
            "followers",
            "Followers (latest)",
            help="per account, the latest snapshot in the range, summed; snapshots exist only for days "
            "collected while current",
        ),
        Metric("net_new_followers", "Net new followers"),
        Metric("new_members", "New members", help="members taking part for the first time, per platform"),
        Metric("active_members_7d", "Active members, 7 days (latest)", help="on the last day of the range"),
        Metric("active_members_30d", "Active members, 30 days (latest)", help="on the last day of the range"),
    ),
    charts=(
        Chart("followers", "Followers, by platform", "Only days with a snapshot."),
        Chart("active", "Active members over 7 days, by platform"),
        Chart("new_returning", "New and returning members per day (all platforms)"),
    ),
    tables=(
        Table(
            "influencers",
            "Top influencers on the last day of the range",
            "Mentioners ranked by the reach of their mentions over the trailing window (member_window_days); "
            "pseudonymous ids.",
        ),
        Table(
            "advocates",
            "Top advocates on the last day of the range",
            "Members with the most positive comments and mentions over the trailing window; pseudonymous ids.",
        ),
    ),
)
