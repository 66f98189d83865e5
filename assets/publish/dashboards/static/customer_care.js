// Customer care: ratios of sums over the brand's platform-days in the range (exact, whatever the days).
DASH.page({
  datasets: ["care"],
  render(S) {
    const rows = DASH.inSelection(DASH.data.care);
    const comments = DASH.sum(rows, "member_comments");
    const answered = DASH.sum(rows, "answered");
    DASH.setMetric("member_comments", comments);
    DASH.setMetric("answered", answered);
    DASH.setMetric("response_rate_pct", DASH.ratio(answered, comments, 100));
    DASH.setMetric("mean_response_minutes", DASH.ratio(DASH.sum(rows, "response_minutes_total"), answered));
    // business minutes exist only for brands with business hours: over the days that have them
    const business = rows.filter((r) => !DASH.isNull(r.response_business_minutes_total));
    DASH.setMetric("mean_response_business_minutes",
      DASH.ratio(DASH.sum(business, "response_business_minutes_total"), DASH.sum(business, "answered")));
    DASH.setMetric("sla_breaches", DASH.sum(rows, "sla_breaches"));
    DASH.setMetric("unanswered_beyond_sla", DASH.sum(rows, "unanswered_beyond_sla"));

    const all = (col) => DASH.daily(rows, () => col, (r) => DASH.sum(r, col), { type: "bar" });
    DASH.plot("comments", [...all("member_comments"), ...all("answered")], { barmode: "group" });
    const line = { mode: "lines+markers", connectgaps: false };
    const byPlatform = (col) => DASH.daily(rows, "platform", (r) => DASH.sum(r, col), line);
    DASH.plot("response_rate", byPlatform("response_rate_pct"), { yaxis: { range: [0, 105] } });
    DASH.plot("median_wait", byPlatform("median_response_minutes"));
    DASH.plot("backlog", DASH.daily(rows, "platform", (r) => DASH.sum(r, "open_backlog"), { type: "bar" }),
      { barmode: "stack" });
    DASH.plot("sla", DASH.daily(rows, "platform", (r) => DASH.sum(r, "sla_breaches"), { type: "bar" }),
      { barmode: "stack" });
  },
});
