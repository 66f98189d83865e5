// Reputation: tone counts summed over the brand's platform-days in the range; net sentiment from the sums.
DASH.page({
  // live_alerts too: an incident of today, after the last daily partition, stays in the date range
  datasets: ["sentiment", "alerts", "live_alerts"],
  render(S) {
    const rows = DASH.inSelection(DASH.data.sentiment);
    const alerts = DASH.inSelection(DASH.data.alerts);
    const s = (col) => DASH.sum(rows, col);
    const net = (pos, neg) => DASH.ratio(DASH.isNull(pos) || DASH.isNull(neg) ? null : pos - neg,
      DASH.isNull(pos) || DASH.isNull(neg) ? null : pos + neg);
    DASH.setMetric("mentions", s("mentions"));
    DASH.setMetric("mentions_negative", s("mentions_negative"));
    DASH.setMetric("mention_net_sentiment", net(s("mentions_positive"), s("mentions_negative")));
    DASH.setMetric("comments", s("comments"));
    // mentions and comments together: known counts added, unknown only when both are
    const add = (a, b) => (DASH.isNull(a) && DASH.isNull(b) ? null : (a || 0) + (b || 0));
    DASH.setMetric("net_sentiment", net(add(s("mentions_positive"), s("comments_positive")),
      add(s("mentions_negative"), s("comments_negative"))));
    DASH.setMetric("alert_days", alerts.length ? alerts.filter((r) => r.is_alert).length : null);
    // live incidents opened in the range; unknown when listening never raised any alert (it is off by default)
    const live = DASH.inSelection(DASH.data.live_alerts);
    DASH.setMetric("open_live_alerts",
      DASH.data.live_alerts.length ? live.filter((r) => r.status === "open").length : null);

    const tone = [["mentions_positive", "#34a853"], ["mentions_neutral", "#9aa0a6"], ["mentions_negative", "#ea4335"]]
      .flatMap(([col, color]) => DASH.daily(rows, () => col.replace("mentions_", ""), (r) => DASH.sum(r, col),
        { type: "bar", marker: { color } }));
    DASH.plot("tone", tone, { barmode: "stack" });
    DASH.plot("net_sentiment", DASH.daily(rows, "platform", (r) => DASH.sum(r, "net_sentiment"),
      { mode: "lines+markers" }), { yaxis: { range: [-1.05, 1.05] } });
    const negatives = DASH.daily(alerts, "platform", (r) => DASH.sum(r, "negative_mentions"), { mode: "lines" });
    const flagged = alerts.filter((r) => r.is_alert);
    const markers = flagged.length ? [{
      name: "alert", mode: "markers", x: flagged.map((r) => r.date), y: flagged.map((r) => r.negative_mentions),
      text: flagged.map((r) => r.platform), marker: { symbol: "x", size: 12, color: "#a50e0e" },
    }] : [];
    DASH.plot("bad_buzz", [...negatives, ...markers]);

    const KINDS = { bad_buzz: "bad buzz", care_sla: "care SLA" };
    DASH.table("live_alerts", [
      { key: "status", label: "Status" },
      { key: "kind_label", label: "Kind" },
      { key: "platform_list", label: "Platforms" },
      { key: "opened_at", label: "Opened (UTC)" },
      { key: "last_event_at", label: "Last alert (UTC)" },
      { key: "peak_volume", label: "Peak", fmt: "int" },
      { key: "baseline_at_peak", label: "Baseline at peak", fmt: "dec1" },
      { key: "latest_summary", label: "Latest summary" },
    ], live
      .sort((a, b) => (b.status === "open") - (a.status === "open") || b.opened_at.localeCompare(a.opened_at))
      .map((r) => ({ ...r, kind_label: KINDS[r.kind] || r.kind, platform_list: (r.platforms || []).join(", ") })));

    const examples = DASH.inSelection(DASH.data.examples)
      .sort((a, b) => a.sentiment_score - b.sentiment_score || a.date.localeCompare(b.date)).slice(0, 8);
    DASH.table("examples", [
      { key: "date", label: "Day" },
      { key: "platform", label: "Platform" },
      { key: "item_type", label: "Type" },
      { key: "author_id", label: "Author (pseudonym)" },
      { key: "sentiment_score", label: "Score", fmt: "dec2" },
      { key: "text", label: "Text" },
    ], examples);
  },
});
