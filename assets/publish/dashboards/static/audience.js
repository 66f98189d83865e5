// Audience: followers and members of the brand in the range; rankings as of the range's last day.
DASH.page({
  datasets: ["followers", "members"],
  render(S) {
    const followers = DASH.inSelection(DASH.data.followers);
    const members = DASH.inSelection(DASH.data.members);
    DASH.setMetric("followers", DASH.latest(followers, ["platform", "account_id"], "followers"));
    DASH.setMetric("net_new_followers", DASH.sum(followers, "net_new_followers"));
    DASH.setMetric("new_members", DASH.sum(members, "new_members"));
    DASH.setMetric("active_members_7d", DASH.latest(members, ["platform"], "active_members_7d"));
    DASH.setMetric("active_members_30d", DASH.latest(members, ["platform"], "active_members_30d"));

    const line = { mode: "lines+markers" };
    DASH.plot("followers", DASH.daily(followers, "platform", (r) => DASH.sum(r, "followers"), line));
    DASH.plot("active", DASH.daily(members, "platform", (r) => DASH.sum(r, "active_members_7d"), line));
    const all = (col) => DASH.daily(members, () => col, (r) => DASH.sum(r, col), { type: "bar" });
    DASH.plot("new_returning", [...all("new_members"), ...all("returning_members")], { barmode: "stack" });

    const asOfEnd = (rows) => {
      const mine = DASH.inSelection(rows);
      const last = mine.reduce((d, r) => (r.date > d ? r.date : d), "");
      return mine.filter((r) => r.date === last);
    };
    DASH.table("influencers", [
      { key: "date", label: "As of" },
      { key: "member_id", label: "Member (pseudonym)" },
      { key: "platform", label: "Platform" },
      { key: "reach", label: "Reach", fmt: "int" },
      { key: "mentions", label: "Mentions", fmt: "int" },
      { key: "engagements", label: "Engagements", fmt: "int" },
    ], asOfEnd(DASH.data.influencers));
    DASH.table("advocates", [
      { key: "date", label: "As of" },
      { key: "member_id", label: "Member (pseudonym)" },
      { key: "platform", label: "Platform" },
      { key: "positive_interactions", label: "Positive interactions", fmt: "int" },
      { key: "interactions", label: "Interactions", fmt: "int" },
    ], asOfEnd(DASH.data.advocates));
  },
});
