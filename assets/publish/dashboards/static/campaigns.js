// Campaign audit: the mart's rows as they are (one per period), for the campaign, brand and platform picked.
const PERIODS = ["pre", "during", "post"];
const ROWS = [
  ["period_start", "First day", null],
  ["period_end", "Last day", null],
  ["days_in_period", "Days", "int"],
  ["days_with_data", "Days with data", "int"],
  ["mentions", "Mentions", "int"],
  ["mentions_per_day", "Mentions per day", "dec1", "mentions_per_day_uplift_pct", "pct"],
  ["share_of_voice_pct", "Share of voice", "pct", "share_of_voice_uplift_pts", "dec1"],
  ["net_sentiment", "Net sentiment", "dec2", "net_sentiment_uplift", "dec2"],
  ["posts", "Posts", "int"],
  ["engagements", "Engagements", "int"],
  ["engagements_per_post", "Engagements per post", "dec1", "engagements_per_post_uplift_pct", "pct"],
  ["follower_growth_pct", "Follower growth", "pct", "follower_growth_uplift_pts", "dec1"],
];

function periodTable(byPeriod) {
  const node = document.getElementById("table-periods");
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const label of ["", "Pre-period", "Campaign", "Post-period", "Campaign vs pre", "Post vs pre"]) {
    const th = document.createElement("th");
    th.textContent = label;
    head.appendChild(th);
  }
  const cell = (tr, row, col, fmt, id) => {
    const td = tr.insertCell();
    td.className = "num";
    if (!row) {
      td.textContent = "n/a";
      td.classList.add("na");
    } else if (fmt) {
      td.dataset.metric = id;
      td.dataset.format = fmt;
      td.dataset.value = DASH.isNull(row[col]) ? "" : String(row[col]);
      td.textContent = DASH.format(row[col], fmt);
      td.classList.toggle("na", DASH.isNull(row[col]));
    } else {
      td.textContent = DASH.isNull(row[col]) ? "n/a" : String(row[col]);
    }
  };
  const body = t.createTBody();
  for (const [col, label, fmt, uplift, upliftFmt] of ROWS) {
    const tr = body.insertRow();
    tr.insertCell().textContent = label;
    for (const p of PERIODS) cell(tr, byPeriod[p], col, fmt, `${col}.${p}`);
    for (const p of ["during", "post"]) {
      if (uplift) cell(tr, byPeriod[p], uplift, upliftFmt, `${uplift}.${p}`);
      else tr.insertCell();
    }
  }
  node.replaceChildren(t);
}

DASH.page({
  datasets: ["audit"],
  render(S) {
    const rows = DASH.data.audit.filter((r) => r.campaign_name === S.campaign);
    const mine = rows.filter((r) => r.brand_id === S.brand);
    const here = mine.filter((r) => r.platform === S.platform);
    periodTable(Object.fromEntries(here.map((r) => [r.period, r])));

    const platforms = DASH.unique(mine.map((r) => r.platform)).sort();
    const bars = (part, x, xs, col) => PERIODS.map((p) => ({
      type: "bar", name: p, x: xs,
      y: xs.map((v) => {
        const r = part.find((row) => row.period === p && row[x] === v);
        return r ? r[col] : null;
      }),
    }));
    DASH.plot("mentions_per_day", bars(mine, "platform", platforms, "mentions_per_day"), { barmode: "group" });
    const onPlatform = rows.filter((r) => r.platform === S.platform);
    const brands = DASH.unique(onPlatform.map((r) => r.brand_id)).sort();
    DASH.plot("share_of_voice", bars(onPlatform, "brand_id", brands, "share_of_voice_pct"), { barmode: "group" });
    DASH.plot("engagements_per_post", bars(mine, "platform", platforms, "engagements_per_post"),
      { barmode: "group" });
  },
});
