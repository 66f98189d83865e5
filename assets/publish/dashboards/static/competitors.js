// Competitors: the brand's own competitive group (the one it is the client of, else the first it is in).
DASH.page({
  datasets: ["sov", "benchmarks"],
  render(S) {
    const inRange = (r) => r.date >= S.start && r.date <= S.end;
    const own = DASH.data.sov.filter((r) => r.brand_id === S.brand);
    const groups = DASH.unique(own.map((r) => r.group_id)).sort();
    const group = DASH.unique(own.filter((r) => r.is_client).map((r) => r.group_id)).sort()[0] || groups[0];
    const sov = DASH.data.sov.filter((r) => r.group_id === group && inRange(r));
    const bench = DASH.data.benchmarks.filter((r) => r.group_id === group && inRange(r));
    const mine = sov.filter((r) => r.brand_id === S.brand);
    const pct = (rows, col, groupCol) => DASH.ratio(DASH.sum(rows, col), DASH.sum(rows, groupCol), 100);
    const known = (col, groupCol) => mine.filter((r) => !DASH.isNull(r[col]) && !DASH.isNull(r[groupCol]));

    DASH.setMetric("mentions", DASH.sum(mine, "mentions"));
    DASH.setMetric("share_of_voice_pct", pct(mine, "mentions", "group_mentions"));
    DASH.setMetric("share_of_voice_reach_pct", pct(known("reach", "group_reach"), "reach", "group_reach"));
    DASH.setMetric("share_of_voice_engagement_pct", pct(mine, "engagements", "group_engagements"));
    const myBench = bench.filter((r) => r.brand_id === S.brand);
    const others = bench.filter((r) => r.brand_id !== S.brand);
    const posts = DASH.sum(myBench, "posts");
    DASH.setMetric("posts", posts);
    DASH.setMetric("engagements_per_post", DASH.ratio(DASH.sum(myBench, "engagements"), posts));
    DASH.setMetric("competitors_engagements_per_post",
      DASH.ratio(DASH.sum(others, "engagements"), DASH.sum(others, "posts")));

    DASH.plot("sov_over_time", DASH.daily(sov, "brand_id", (r) => pct(r, "mentions", "group_mentions"),
      { mode: "lines", stackgroup: "sov" }), { yaxis: { range: [0, 100] } });
    const platforms = DASH.unique(sov.map((r) => r.platform)).sort();
    const members = DASH.unique(sov.map((r) => r.brand_id)).sort();
    DASH.plot("sov_by_platform", members.map((b) => ({
      type: "bar", name: b, x: platforms,
      y: platforms.map((p) => pct(sov.filter((r) => r.brand_id === b && r.platform === p),
        "mentions", "group_mentions")),
    })), { barmode: "group" });
    DASH.plot("posts", DASH.daily(bench, "brand_id", (r) => DASH.sum(r, "posts"), { mode: "lines+markers" }));
    DASH.plot("engagements_per_post", members.map((b) => ({
      type: "bar", name: b, x: platforms,
      y: platforms.map((p) => {
        const part = bench.filter((r) => r.brand_id === b && r.platform === p);
        return DASH.ratio(DASH.sum(part, "engagements"), DASH.sum(part, "posts"));
      }),
    })), { barmode: "group" });
  },
});
