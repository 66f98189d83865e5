"""results*.json -> the goals, a one-line headline per phase, and the tables of BENCHMARKS.md."""

import json
from pathlib import Path

GB = 1024**3
MB = 1024**2
NOT = "not measured"


def _get(d: dict, *path):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def goals(results: dict) -> list[dict]:
    f = results.get("figures", {})
    rows = [
        (
            "history backfill wall time",
            "≤ 600 s",
            _get(f, "backfill", "wall_seconds"),
            lambda v: v <= 600,
            "s",
        ),
        (
            "daily run (long history)",
            "≤ 60 s",
            _get(f, "daily_long_history", "daily", "wall_seconds"),
            lambda v: v <= 60,
            "s",
        ),
        (
            "daily run: long ÷ short history",
            "≤ 1.2",
            _get(f, "daily_long_history", "ratio_long_to_short"),
            lambda v: v <= 1.2,
            "",
        ),
        (
            "ingest ÷ parse limit",
            "≥ 0.5",
            _get(f, "ingest_vs_parse", "ratio_to_parse_limit"),
            lambda v: v >= 0.5,
            "",
        ),
        ("ingest ÷ dlt", "≥ 2", _get(f, "ingest_vs_dlt", "ratio_ours_to_dlt"), lambda v: v >= 2, ""),
        ("dashboard queries p95", "≤ 50 ms", _get(f, "dashboard_queries", "p95_ms"), lambda v: v <= 50, "ms"),
        (
            "peak memory (backfill)",
            "≤ 4 GB",
            _get(f, "backfill", "peak_rss_bytes"),
            lambda v: v <= 4 * GB,
            "B",
        ),
    ]
    out = []
    for name, target, value, ok, unit in rows:
        out.append(
            {
                "goal": name,
                "target": target,
                "measured": value,
                "unit": unit,
                "met": None if value is None else bool(ok(value)),
            }
        )
    return out


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return NOT
    if unit == "B":
        return f"{value / GB:.2f} GB" if value >= GB else f"{value / MB:.0f} MB"
    if isinstance(value, float) and value.is_integer() and unit not in ("s", "ms"):
        text = f"{int(value):,}"
    elif isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip()


def headline(phase: str, fig: dict) -> dict:
    if "not_measured" in fig:
        return {"not_measured": fig["not_measured"]}
    keys = {
        "ingest_vs_parse": (
            "records",
            "ingest_records_per_second",
            "parse_records_per_second",
            "ratio_to_parse_limit",
        ),
        "ingest_vs_dlt": ("ours_records_per_second", "dlt_records_per_second", "ratio_ours_to_dlt"),
        "backfill": ("wall_seconds", "peak_rss_bytes", "records_per_second", "success"),
        "daily_long_history": ("ratio_long_to_short",),
        "dashboard_queries": ("p50_ms", "p95_ms"),
        "per_day_runs": ("mean_seconds_per_day_run", "extrapolated_seconds", "ratio_per_day_to_backfill"),
    }.get(phase, ())
    out = {k: fig.get(k) for k in keys}
    if phase.startswith("daily"):
        out["daily_wall_seconds"] = _get(fig, "daily", "wall_seconds")
    if phase == "parquet_layout":
        out = {"rows_per_row_group": _get(fig, "raw_all", "rows_per_row_group")}
    return out


def table(results: dict) -> str:
    w = results["workload"]
    f = results["figures"]
    lines = [
        f"### Workload `{w['name']}`: {_brands(results)} brands × 6 platforms × {w['backfill_days']} days",
        "",
        f"Run {results.get('started_at')} → {results.get('finished_at') or '…'}; status: **{results.get('status')}**; "
        f"{results['machine'].get('cpus')} cores, load average at start "
        f"{_loads(results['machine'].get('load_average_at_start'))}, at the last write "
        f"{_loads(results['machine'].get('load_average_now'))} (a shared machine: other jobs ran beside it).",
        "",
        "| # | figure | measured | goal | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    g = {row["goal"]: row for row in results.get("goals", [])}

    indicative = "" if w["name"] == "standard" else "*"

    def goal(name):
        row = g.get(name)
        if not row:
            return "", ""
        met = "—" if row["met"] is None else ("yes" if row["met"] else "**no**") + indicative
        return row["target"], met

    bf = f.get("backfill", {})
    rec = _get(bf, "records", "total")
    lines.append(
        f"| 1 | history backfill, one run, end to end ({_fmt(rec)} raw records) | "
        f"{_fmt(bf.get('wall_seconds'), 's')}"
        f"{'' if bf.get('success', True) else ' (run FAILED)'} | {goal('history backfill wall time')[0]} | "
        f"{goal('history backfill wall time')[1]} |"
    )
    for stage in ("ingest", "marts", "gate", "publication", "dashboards", "other"):
        st = _get(bf, "stages", stage)
        if st:
            # steps in processes of their own overlap: the stage's wall is less than its steps' sum
            own = st.get("step_seconds")
            summed = (
                f" (steps' own times summed: {_fmt(own, 's')})" if own and own > st["seconds"] + 0.5 else ""
            )
            lines.append(
                f"| 1 | … stage {stage}: wall, peak memory{summed} | {_fmt(st['seconds'], 's')}, "
                f"{_fmt(st.get('peak_rss_bytes'), 'B')} | | |"
            )
    if "stages" in bf:
        outside = _fmt(bf.get("outside_steps_seconds"), "s")
        lines.append(f"| 1 | … outside the steps (run creation and end) | {outside} | | |")
    dbt = bf.get("dbt")
    if dbt:
        kinds = ", ".join(
            f"{v['nodes']} {k}s {_fmt(v['seconds'], 's')}" for k, v in dbt["by_kind"].items() if v["nodes"]
        )
        lines.append(
            f"| 1 | … of which dbt build (dbt's own elapsed time; node times: {kinds}) | "
            f"{_fmt(dbt['elapsed_seconds'], 's')} | | |"
        )
    if bf.get("before_first_step_seconds") is not None:
        lines.append(
            f"| 1 | … of which run creation ({_fmt(bf.get('planned_events'))} planned events written before the "
            f"first step) | {_fmt(bf.get('before_first_step_seconds'), 's')} | | |"
        )
    lines.append(
        f"| 1 | peak memory of the backfill | {_fmt(bf.get('peak_rss_bytes'), 'B')} | "
        f"{goal('peak memory (backfill)')[0]} | {goal('peak memory (backfill)')[1]} |"
    )
    pd = f.get("per_day_runs", {})
    lines.append(
        f"| 1 | one run per day: mean of {len(pd.get('days', [])) or '—'} sampled days, × days | "
        f"{_fmt(pd.get('mean_seconds_per_day_run'), 's')} per day → {_fmt(pd.get('extrapolated_seconds'), 's')} | | |"
    )
    lines.append(
        f"| 1 | ratio: per-day runs ÷ one backfill run | {_fmt(pd.get('ratio_per_day_to_backfill'))} | | |"
    )
    sh, lo = f.get("daily_short_history", {}), f.get("daily_long_history", {})
    lines.append(
        f"| 2 | daily run over {_get(sh, 'history_days') or w['short_history_days']} days of history | "
        f"{_fmt(_get(sh, 'daily', 'wall_seconds'), 's')}{_failed(sh, 'history_backfill')}{_failed(sh, 'daily')} | | |"
    )
    lines.append(
        f"| 2 | daily run over {w['backfill_days']} days of history | {_fmt(_get(lo, 'daily', 'wall_seconds'), 's')}"
        f"{_failed(lo, 'daily')} | {goal('daily run (long history)')[0]} | {goal('daily run (long history)')[1]} |"
    )
    lines.append(
        f"| 2 | ratio: long ÷ short history | {_fmt(lo.get('ratio_long_to_short'))} | "
        f"{goal('daily run: long ÷ short history')[0]} | {goal('daily run: long ÷ short history')[1]} |"
    )
    ip = f.get("ingest_vs_parse", {})
    lines.append(
        f"| 3 | ingest, all platforms and entities, {len(ip.get('days', [])) or '—'} days "
        f"({_fmt(ip.get('records'))} records) | "
        f"{_fmt(ip.get('ingest_records_per_second'), 'records/s')} | | |"
    )
    limit = _fmt(ip.get("parse_records_per_second"), "records/s")
    lines.append(f"| 3 | plain parse of the same pages (orjson → Arrow) | {limit} | | |")
    lines.append(
        f"| 3 | ratio: ingest ÷ parse limit | {_fmt(ip.get('ratio_to_parse_limit'))} | "
        f"{goal('ingest ÷ parse limit')[0]} | {goal('ingest ÷ parse limit')[1]} |"
    )
    dl = f.get("ingest_vs_dlt", {})
    lines.append(
        f"| 4 | ingest, Mastodon posts + mentions ({_fmt(dl.get('ours_records'))} records) | "
        f"{_fmt(dl.get('ours_records_per_second'), 'records/s')} | | |"
    )
    lines.append(
        f"| 4 | dlt rest_api → Parquet, same endpoints ({_fmt(dl.get('dlt_records'))} records) | "
        f"{_fmt(dl.get('dlt_records_per_second'), 'records/s')} | | |"
    )
    lines.append(
        f"| 4 | ratio: ingest ÷ dlt | {_fmt(dl.get('ratio_ours_to_dlt'))} | {goal('ingest ÷ dlt')[0]} | "
        f"{goal('ingest ÷ dlt')[1]} |"
    )
    dq = f.get("dashboard_queries", {})
    p50 = _fmt(dq.get("p50_ms"), "ms")
    n_queries = f" ({dq['queries']} queries)" if dq.get("queries") else ""
    lines.append(f"| 5 | dashboard queries p50{n_queries} | {p50} | | |")
    lines.append(
        f"| 5 | dashboard queries p95 | {_fmt(dq.get('p95_ms'), 'ms')} | {goal('dashboard queries p95')[0]} | "
        f"{goal('dashboard queries p95')[1]} |"
    )
    pl = f.get("parquet_layout", {})
    rg = _get(pl, "raw_all", "rows_per_row_group")
    fp = _get(pl, "raw_all", "files_per_partition")
    lines.append(f"| 6 | raw Parquet: rows per row group (min / median / max) | {_trio(rg)} | | |")
    lines.append(
        f"| 6 | raw Parquet: files per partition (min / max), partitions | "
        f"{NOT if not fp else _pair(fp) + ', ' + _fmt(_get(pl, 'raw_all', 'partitions'))} | | |"
    )
    prg = _get(pl, "published_marts", "rows_per_row_group")
    lines.append(
        f"| 6 | published marts: rows per row group (min / median / max), files | "
        f"{NOT if not prg else _trio(prg) + ', ' + _fmt(_get(pl, 'published_marts', 'files'))} | | |"
    )
    if indicative:
        lines += [
            "",
            "\\* The goals are set for the standard workload; on this smaller one they are indicative only.",
        ]
    missing = {p: v["not_measured"] for p, v in f.items() if "not_measured" in v}
    if missing:
        lines += [
            "",
            "Not measured in this run: " + "; ".join(f"{p} ({why})" for p, why in missing.items()) + ".",
        ]
    for p, v in f.items():
        part = v.get("partial_run") if isinstance(v, dict) else None
        if not part or "error" in part:
            continue
        steps = ", ".join(
            f"{stage} {st['steps']} steps in {_fmt(st['seconds'], 's')}"
            for stage, st in part.get("finished_steps_by_stage", {}).items()
        )
        lines += [
            "",
            f"What the stopped run of `{p}` ({' to '.join(str(x) for x in part.get('range') or [])}) shows in its "
            f"event log, not a figure of the run: {_fmt(part.get('event_log_seconds'), 's')} from its first event "
            f"to its last; {_fmt(part.get('planned_events'))} planned events written in "
            f"{_fmt(part.get('planned_events_seconds'), 's')} before the first step; finished steps: "
            f"{steps or 'none'}; unfinished: {', '.join(part.get('unfinished_steps') or []) or 'none'}.",
        ]
    return "\n".join(lines)


def _failed(fig: dict, key: str) -> str:
    run = fig.get(key) if isinstance(fig, dict) else None
    return (
        f" ({key.replace('_', ' ')} run FAILED)"
        if isinstance(run, dict) and run.get("success") is False
        else ""
    )


def _trio(d: dict | None) -> str:
    return NOT if not d else " / ".join(_fmt(d[k]) for k in ("min", "median", "max"))


def _pair(d: dict) -> str:
    return f"{d['min']} / {d['max']}"


def _brands(results: dict) -> str:
    b = results["workload"].get("brands")
    return str(len(b)) if b else "10"


def _loads(values) -> str:
    return "—" if not values else " / ".join(f"{v:.1f}" for v in values)


def write_markdown(here: Path, target: Path) -> None:
    parts = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (workload `standard`) and `make bench-quick` (workload `quick`) from",
        "`benchmarks/results.json` and `benchmarks/results-quick.json`; do not edit the tables by hand. A figure",
        "a run did not reach says *not measured*. Every figure of a table comes from the same run, measured side by",
        "side in one process; the sandbox serves the platforms over HTTP on 127.0.0.1 from its own process.",
        "Memory: RSS of the benchmark process plus its child processes (dbt), sampled every 0.5 s.",
        "",
    ]
    for name in ("results.json", "results-quick.json"):
        path = here / name
        if not path.exists():
            parts += [f"### `{name}`", "", "Not measured yet.", ""]
            continue
        try:
            parts += [table(json.loads(path.read_text())), ""]
        except (ValueError, KeyError) as exc:
            parts += [f"### `{name}`", "", f"Unreadable: {exc}", ""]
    analysis = here / "analysis.md"
    if analysis.exists():
        parts += [analysis.read_text().rstrip(), ""]
    target.write_text("\n".join(parts))
