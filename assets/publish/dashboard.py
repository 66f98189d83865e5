"""The community overview dashboard: one self-contained HTML page built only from the published warehouse.

Plotly's JavaScript is embedded in the page, so it opens offline (no CDN).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from .warehouse import published_db

HEADLINE_SQL = """
with channel as (
    select brand_id, sum(posts) as posts, sum(engagements) as engagements,
           sum(comments_received) as comments_received, sum(brand_replies) as brand_replies
    from community.fct_channel_daily
    group by brand_id
), followers as (
    select brand_id, arg_max(followers, date) as followers
    from audience.fct_followers_daily
    group by brand_id
), brand_group as (
    -- a brand's own group when it is a client, else the first group it competes in
    select brand_id, coalesce(max(case when is_client then group_id end), min(group_id)) as group_id
    from competitors.fct_share_of_voice_daily
    group by brand_id
), sov as (
    select brand_id, 100.0 * sum(mentions) / nullif(sum(group_mentions), 0) as share_of_voice_pct,
           sum(mentions) as mentions
    from competitors.fct_share_of_voice_daily
    inner join brand_group using (brand_id, group_id)
    group by brand_id
)
select channel.brand_id, channel.posts, channel.engagements,
       round(channel.engagements / nullif(channel.posts, 0), 1) as engagements_per_post,
       channel.comments_received, channel.brand_replies, followers.followers,
       sov.mentions, round(sov.share_of_voice_pct, 1) as share_of_voice_pct
from channel
left join followers using (brand_id)
left join sov using (brand_id)
order by channel.brand_id
"""

HEADLINE_COLUMNS = [
    ("brand_id", "Brand"),
    ("posts", "Posts"),
    ("engagements", "Engagements"),
    ("engagements_per_post", "Engagements / post"),
    ("comments_received", "Comments received"),
    ("brand_replies", "Brand replies"),
    ("followers", "Followers (latest)"),
    ("mentions", "Mentions"),
    ("share_of_voice_pct", "Share of voice %"),
]


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _line_figure(rows: list[dict], series: str, x: str, y: str, title: str, kind: str = "line") -> go.Figure:
    fig = go.Figure()
    for name in sorted({r[series] for r in rows}):
        pts = [r for r in rows if r[series] == name]
        if kind == "bar":
            fig.add_bar(x=[p[x] for p in pts], y=[p[y] for p in pts], name=name)
        else:
            fig.add_scatter(
                x=[p[x] for p in pts],
                y=[p[y] for p in pts],
                name=name,
                mode="lines+markers",
                stackgroup="one" if kind == "area" else None,
            )
    fig.update_layout(
        title=title,
        height=360,
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        barmode="group",
        legend={"orientation": "h"},
    )
    return fig


def build_community_overview(publish_dir: Path, out_path: Path) -> dict:
    con = duckdb.connect(str(published_db(publish_dir)), read_only=True)
    try:
        pub = _rows(con, "select * from _publication")[0]
        headline = _rows(con, HEADLINE_SQL)
        engagement = _rows(
            con,
            "select brand_id, date, sum(engagements) as engagements from "
            "community.fct_channel_daily group by all order by date",
        )
        posts = _rows(
            con,
            "select brand_id, date, sum(posts) as posts from community.fct_channel_daily "
            "group by all order by date",
        )
        sov = _rows(
            con,
            "select group_id, brand_id, date, sum(mentions) * 100.0 / nullif(sum(group_mentions), 0) "
            "as share_of_voice_pct from competitors.fct_share_of_voice_daily group by all order by date",
        )
        span = con.execute("select min(date), max(date) from community.fct_channel_daily").fetchone()
    finally:
        con.close()

    figures = [
        _line_figure(engagement, "brand_id", "date", "engagements", "Engagements per day"),
        _line_figure(posts, "brand_id", "date", "posts", "Posts per day", kind="bar"),
    ]
    for group in sorted({r["group_id"] for r in sov}):
        figures.append(
            _line_figure(
                [r for r in sov if r["group_id"] == group],
                "brand_id",
                "date",
                "share_of_voice_pct",
                f"Share of voice in {group}'s competitive group (%)",
                kind="area",
            )
        )
    charts = "\n".join(
        f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"chart-{i}")}</div>'
        for i, fig in enumerate(figures)
    )
    page = _page(pub, headline, span, charts)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out_path)
    return {"brands": len(headline), "charts": len(figures), "path": str(out_path)}


def _page(pub: dict, headline: list[dict], span, charts: str) -> str:
    def cell(v):
        if v is None:
            return '<td class="na">n/a</td>'
        if isinstance(v, float):
            return f"<td>{v:,.1f}</td>"
        if isinstance(v, int):
            return f"<td>{v:,}</td>"
        return f"<td>{html.escape(str(v))}</td>"

    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in HEADLINE_COLUMNS)
    body = "\n".join(
        f'<tr data-brand="{html.escape(r["brand_id"])}">'
        + "".join(cell(r[c]) for c, _ in HEADLINE_COLUMNS)
        + "</tr>"
        for r in headline
    )
    published = pub["published_at"]
    published = (
        published.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        if hasattr(published, "astimezone")
        else published
    )
    period = f"{span[0]} to {span[1]}" if span and span[0] else "no data"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Community overview</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
.status {{ display: inline-block; padding: .2rem .6rem; border-radius: .3rem; background: #e6f4ea; color: #137333; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ddd; padding: .35rem .6rem; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
td.na {{ color: #999; }}
.chart {{ margin: 1.5rem 0; }}
</style></head>
<body>
<h1>Community overview</h1>
<p>Period <strong>{html.escape(period)}</strong>
&middot; published <strong id="published-at">{html.escape(str(published))}</strong>
&middot; version {html.escape(pub["version"])} &middot; quality gate:
<span class="status" id="gate-status">{html.escape(pub["gate_status"])}</span>
({pub["checks_passed"]} checks passed)</p>
<h2>Headline figures for the period</h2>
<table id="headline"><thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table>
<p>Engagements = likes + shares (boosts) + replies on the brand's posts of the day. n/a: not reported by the platform
or no snapshot yet (follower counts can only be observed from the day the pipeline starts watching).</p>
{charts}
</body></html>
"""
