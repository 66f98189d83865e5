// Community overview: figures over the brand's posts and channel days in the range.
DASH.page({
  datasets: ["channel"],
  render(S) {
    const rows = DASH.inSelection(DASH.data.channel);
    const posts = DASH.sum(rows, "posts");
    const engagements = DASH.sum(rows, "engagements");
    DASH.setMetric("posts", posts);
    DASH.setMetric("engagements", engagements);
    DASH.setMetric("engagements_per_post", DASH.ratio(engagements, posts));
    DASH.setMetric("views", DASH.sum(rows, "views"));
    DASH.setMetric("comments_received", DASH.sum(rows, "comments_received"));
    DASH.setMetric("brand_replies", DASH.sum(rows, "brand_replies"));

    DASH.plot("engagements", DASH.daily(rows, "platform", (r) => DASH.sum(r, "engagements"), { type: "bar" }),
      { barmode: "stack" });
    DASH.plot("posts", DASH.daily(rows, "platform", (r) => DASH.sum(r, "posts"), { type: "bar" }),
      { barmode: "stack" });
    const mix = ["likes", "shares", "replies"].flatMap((col) =>
      DASH.daily(rows, () => col, (r) => DASH.sum(r, col), { type: "bar" }));
    DASH.plot("mix", mix, { barmode: "stack" });

    const slots = DASH.data.best_slots.filter((r) => r.brand_id === S.brand);
    const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const z = days.map(() => Array(24).fill(null));
    for (const r of slots) {
      const cell = z[r.local_weekday - 1];
      if (cell && (cell[r.local_hour] === null || r.mean_engagements > cell[r.local_hour])) {
        cell[r.local_hour] = r.mean_engagements;
      }
    }
    DASH.plot("best_slots", slots.length ? [{
      type: "heatmap", z, x: [...Array(24).keys()], y: days, colorscale: "Blues", hoverongaps: false,
      colorbar: { title: { text: "eng./post" } },
    }] : [], { xaxis: { title: { text: "local hour" }, dtick: 2 }, yaxis: { autorange: "reversed" } });
    DASH.table("best_slots", [
      { key: "platform", label: "Platform" },
      { key: "slot_rank", label: "Rank", fmt: "int" },
      { key: "local_weekday_name", label: "Weekday" },
      { key: "local_hour", label: "Local hour", fmt: "int" },
      { key: "posts", label: "Posts", fmt: "int" },
      { key: "mean_engagements", label: "Mean engagements", fmt: "dec1" },
      { key: "mean_engagement_rate_pct", label: "Mean engagement rate", fmt: "pct" },
    ], slots.filter((r) => r.slot_rank <= 3));
  },
});
