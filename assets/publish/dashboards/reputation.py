"""Reputation: what is said about the brand, in what tone, and whether a bad buzz is starting."""

from .render import Chart, Metric, Page, Table

EXAMPLES_PER_DAY = 2  # the most negative items kept per brand and day: the page shows the worst of the range

PAGE = Page(
    slug="reputation",
    title="Reputation",
    summary="Mentions of the brand and members' comments under its posts, by tone (positive, neutral, "
    "negative), the net sentiment, the days a bad buzz was flagged, and the intraday listening's live alerts.",
    queries={
        "sentiment": """
            select brand_id, platform, date, has_data, mentions, mentions_positive, mentions_neutral,
                   mentions_negative, comments, comments_positive, comments_neutral, comments_negative,
                   net_sentiment
            from reputation.fct_sentiment_daily
            order by brand_id, platform, date""",
        "alerts": """
            select brand_id, platform, date, negative_mentions, trailing_7d_avg_negative, threshold, is_alert
            from reputation.fct_bad_buzz_alerts
            order by brand_id, platform, date""",
        # The intraday listening's incidents (one row each: few), picked by the day they opened.
        "live_alerts": """
            select brand_id, date, incident_id, kind, status, platforms, opened_at, last_event_at,
                   peak_volume, baseline_at_peak, threshold_at_peak, updates, latest_summary
            from reputation.fct_live_alerts
            order by brand_id, opened_at, incident_id""",
        # A few items only (the mart holds every mention and comment): pseudonymous authors, text cut short.
        "examples": f"""
            select brand_id, platform, date, item_type, author_id, sentiment_score, left(text, 280) as text
            from reputation.fct_conversation_sentiment
            where sentiment = 'negative'
            qualify row_number() over (
                partition by brand_id, date order by sentiment_score, item_id) <= {EXAMPLES_PER_DAY}
            order by brand_id, date, sentiment_score, item_id""",
    },
    metrics=(
        Metric("mentions", "Mentions"),
        Metric("mentions_negative", "Negative mentions"),
        Metric(
            "mention_net_sentiment",
            "Net sentiment of mentions",
            "dec2",
            "(positive - negative) / (positive + negative), from -1 to +1",
        ),
        Metric("comments", "Members' comments"),
        Metric("net_sentiment", "Net sentiment, mentions and comments", "dec2"),
        Metric("alert_days", "Bad-buzz alerts", help="platform-days flagged as a bad buzz"),
        Metric(
            "open_live_alerts",
            "Open live alerts",
            help="incidents of the intraday listening opened in the range and still open at publication; "
            "n/a when listening has raised no alert at all (it is off by default)",
        ),
    ),
    charts=(
        Chart("tone", "Mentions per day by tone (all platforms)"),
        Chart("net_sentiment", "Net sentiment per day, by platform (-1 to +1)"),
        Chart(
            "bad_buzz",
            "Negative mentions per day against the alert threshold, by platform",
            "A day is flagged when its negative mentions exceed bad_buzz_k x their trailing 7-day average and "
            "bad_buzz_min_negative (markers: the flagged days).",
        ),
    ),
    tables=(
        Table(
            "live_alerts",
            "Live alerts (intraday listening)",
            "The incidents the intraday listening sensor alerted (bad buzz: negative mentions on a rolling hour; "
            "care SLA: comments past the brand's SLA) that opened in the range, open ones first, as of this "
            "publication: the webhook is the live channel. Peak: the largest volume alerted; baseline: the same "
            "hour's mean on the trailing days at the peak. Empty while listening is off (the default).",
        ),
        Table(
            "examples",
            "The most negative items of the range",
            "Scored offline (VADER, French and English); read them as a sample, not a verdict. Authors are "
            "pseudonyms.",
        ),
    ),
)
