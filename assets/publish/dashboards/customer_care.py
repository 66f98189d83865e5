"""Customer care: do we answer the members who write to us, and how fast."""

from .render import Chart, Metric, Page

PAGE = Page(
    slug="customer_care",
    title="Customer care",
    summary="Members' comments on the brand's posts: how many got an answer, how long they waited, and how "
    "many the brand let down against its response target (SLA).",
    queries={
        # response_minutes_total = the day's mean x answered: the range's mean is then a ratio of sums.
        "care": """
            select brand_id, platform, date, member_comments, answered, response_rate_pct,
                   mean_response_minutes * answered as response_minutes_total,
                   mean_response_business_minutes * answered as response_business_minutes_total,
                   median_response_minutes, sla_hours, sla_breaches, unanswered_beyond_sla, open_backlog
            from customer_care.fct_customer_care_daily
            order by brand_id, platform, date""",
    },
    metrics=(
        Metric("member_comments", "Members' comments"),
        Metric("answered", "Answered"),
        Metric("response_rate_pct", "Response rate", "pct", "answered / members' comments"),
        Metric("mean_response_minutes", "Mean wait (clock)", "minutes", "over the answered comments"),
        Metric(
            "mean_response_business_minutes",
            "Mean wait (business hours)",
            "minutes",
            "only opening hours count; n/a for brands without business hours in brands.yaml",
        ),
        Metric("sla_breaches", "SLA breaches", help="answered late, or unanswered past the target"),
        Metric("unanswered_beyond_sla", "Still waiting past the SLA"),
    ),
    charts=(
        Chart("comments", "Members' comments and answers per day (all platforms)"),
        Chart("response_rate", "Response rate per day, by platform (%)"),
        Chart("median_wait", "Median wait per day, by platform (minutes, clock)"),
        Chart(
            "backlog",
            "Open backlog at the end of each day, by platform",
            "Members' comments of that day or the 6 days before, still without an answer at the end of the day.",
        ),
        Chart("sla", "SLA breaches per day, by platform"),
    ),
    notes=(
        "A member's comment is a direct comment on the brand's post by an account that is not tracked; the "
        "answer is the brand's own first reply to it. Figures are by the UTC day the comment arrived; the "
        "last week's figures improve as late answers arrive.",
    ),
)
