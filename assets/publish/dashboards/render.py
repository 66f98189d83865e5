"""The shared renderer: one self-contained HTML page per dashboard, built from the published warehouse only.

A page embeds plotly.js, the shared script (static/dash.js), its own script (static/<page>.js) and the rows
of its queries as JSON. The queries aggregate per brand, platform and day (or per campaign period), so the
rows stay small; the browser filters them by the brand and dates picked and draws the charts with
Plotly.react. Nothing is fetched: the file opens offline, from disk, with no network request at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from ..warehouse import published_db

STATIC = Path(__file__).parent / "static"
CONTROLS = ("dates", "campaign")  # brand + date range, or campaign + brand + platform


@dataclass(frozen=True)
class Metric:
    """A headline figure: the page's script computes it; the element carries data-metric=<id>."""

    id: str
    label: str
    fmt: str = "int"  # int | dec1 | dec2 | pct | minutes (static/dash.js: FORMATS)
    help: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    help: str = ""


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    help: str = ""


@dataclass(frozen=True)
class Page:
    slug: str  # the file <slug>.html, the asset published/dashboards/<slug>, the script static/<slug>.js
    title: str
    summary: str
    queries: dict[str, str]  # name -> SQL on the published warehouse; embedded as DASH.data[name]
    metrics: tuple[Metric, ...]
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...] = ()
    controls: str = "dates"
    tables_first: bool = False  # the campaign audit: its side-by-side table is the page's main figure
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.controls not in CONTROLS:
            raise ValueError(f"page {self.slug}: controls must be one of {CONTROLS}, not {self.controls!r}")
        if not (STATIC / f"{self.slug}.js").exists():
            raise ValueError(f"page {self.slug}: its script {STATIC / (self.slug + '.js')} is missing")


# Every page: the brands picker lists client brands first (is_client is only known to the competitive marts).
BRANDS_SQL = (
    "select brand_id, bool_or(is_client) as is_client from competitors.fct_share_of_voice_daily "
    "group by brand_id order by brand_id"
)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[list]]:
    cur = con.execute(sql)
    columns = [d[0] for d in cur.description]
    return columns, [[_jsonable(v) for v in r] for r in cur.fetchall()]


def _jsonable(v):
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None  # JSON has no NaN/Infinity; an undefined figure is unknown
    return v


def publication(con: duckdb.DuckDBPyConnection) -> dict:
    row = con.execute(
        "select published_at, version, gate_status, checks_passed, run_id from _publication"
    ).fetchone()
    if row is None:
        raise RuntimeError("the published warehouse has no _publication row: it was not made by publish()")
    at, version, gate, checks, run_id = row
    return {
        "published_at": at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": version,
        "gate_status": gate,
        "checks_passed": checks,
        "run_id": run_id,
    }


def page_data(page: Page, con: duckdb.DuckDBPyConnection) -> dict:
    data = {}
    for name, sql in {"brands": BRANDS_SQL, **page.queries}.items():
        try:
            columns, values = rows(con, sql)
        except duckdb.Error as exc:
            raise RuntimeError(
                f"dashboard {page.slug}: query {name!r} failed on the published warehouse: {exc}"
            ) from exc
        data[name] = {"columns": columns, "rows": values}
    return data


def build_page(page: Page, publish_dir: Path, out_dir: Path, pages: list[Page]) -> dict:
    """Write <out_dir>/<slug>.html (atomically) from the current publication; return facts for metadata."""
    db = published_db(publish_dir)
    if not db.exists():
        raise RuntimeError(f"no published warehouse at {db}: publish before building the dashboards")
    with duckdb.connect(str(db), read_only=True) as con:
        pub = publication(con)
        data = page_data(page, con)
    text = render(page, pub, data, pages)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{page.slug}.html"
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # a reader never sees half a page
    return {
        "path": str(out),
        "version": pub["version"],
        "rows_embedded": {name: len(t["rows"]) for name, t in data.items()},
        "bytes": len(text.encode()),
    }


@cache
def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@cache
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _script_json(obj) -> str:
    # Inside <script>, "</script" or "<!--" in a text could end or derail the element: "<" as its JSON escape.
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def _controls(page: Page) -> str:
    if page.controls == "campaign":
        return (
            '<label>Campaign <select id="campaign"></select></label>'
            '<label>Brand <select id="brand"></select></label>'
            '<label>Platform <select id="platform"></select></label>'
        )
    return (
        '<label>Brand <select id="brand"></select></label>'
        '<label>From <input type="date" id="start"></label>'
        '<label>To <input type="date" id="end"></label>'
        '<span id="span" class="muted"></span>'
    )


def render(page: Page, pub: dict, data: dict, pages: list[Page]) -> str:
    e = html.escape
    nav = "".join(
        f'<a href="{p.slug}.html" data-page="{p.slug}"{" class=current" if p.slug == page.slug else ""}>'
        f"{e(p.title)}</a>"
        for p in pages
    )
    metrics = "".join(
        f'<div class="metric" title="{e(m.help)}"><div class="label">{e(m.label)}</div>'
        f'<div class="value" data-metric="{e(m.id)}" data-format="{e(m.fmt)}">…</div></div>'
        for m in page.metrics
    )
    charts = "".join(
        f'<section class="chart-box"><h2>{e(c.title)}</h2>'
        + (f'<p class="muted">{e(c.help)}</p>' if c.help else "")
        + f'<div class="chart" id="chart-{e(c.id)}" data-chart="{e(c.id)}"></div></section>'
        for c in page.charts
    )
    tables = "".join(
        f'<section class="table-box"><h2>{e(t.title)}</h2>'
        + (f'<p class="muted">{e(t.help)}</p>' if t.help else "")
        + f'<div class="table" id="table-{e(t.id)}" data-table="{e(t.id)}"></div></section>'
        for t in page.tables
    )
    notes = "".join(f"<p>{e(n)}</p>" for n in page.notes)
    payload = {"page": page.slug, "controls": page.controls, "publication": pub, "data": data}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(page.title)} · social dashboards</title>
<style>{_static("dash.css")}</style>
</head><body data-page="{e(page.slug)}">
<header>
<nav>{nav}</nav>
<h1>{e(page.title)}</h1>
<p class="summary">{e(page.summary)}</p>
<p class="publication">Published <strong id="published-at">{e(pub["published_at"])}</strong>
&middot; version <code id="version">{e(pub["version"])}</code>
&middot; quality gate: <span class="gate gate-{e(pub["gate_status"])}" id="gate-status">{e(pub["gate_status"])}</span>
(<span id="checks-passed">{pub["checks_passed"]}</span> blocking checks passed)</p>
<form class="controls" onsubmit="return false">{_controls(page)}</form>
</header>
<noscript><p class="error">These dashboards draw their figures and charts with JavaScript:
enable it to see them.</p></noscript>
<p class="error" id="error" hidden></p>
<main>
{f'<section class="metrics">{metrics}</section>' if metrics else ""}
{tables + charts if page.tables_first else charts + tables}
<section class="notes">{notes}
<p>n/a: unknown (the platform does not report it, or the day was never collected), never a zero.
Days are UTC days. Members of the public appear only as pseudonyms.</p></section>
</main>
<script type="application/json" id="dash-data">{_script_json(payload)}</script>
<script>{plotly_js()}</script>
<script>{_static("dash.js")}</script>
<script>{_static(page.slug + ".js")}</script>
</body></html>
"""
