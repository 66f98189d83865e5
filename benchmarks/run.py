"""`make bench` / `make bench-quick`: every figure of issue #9 measured side by side in one process.

    python -m benchmarks [--workload standard|quick] [--work-dir DIR]

Phases, in order (each writes its figures to the results file as soon as it ends, so a run stopped early
leaves every figure it did not reach marked "not measured", never guessed):
  1. ingest vs a plain parse of the same pages (orjson, then an Arrow table), on `ingest_days` days
  2. ingest vs dlt's rest_api source on the same sandbox endpoints (Mastodon posts and mentions) into Parquet
  3. the daily run over a short history (a backfill of `short_history_days`, then the daily run)
  4. the history backfill (one Dagster run): wall time and peak memory of each stage
  5. the daily run over the long history; 6. dashboard queries p50/p95; 7. Parquet layout
  8. a sample of the backfill's days, one Dagster run per day, extrapolated
Runs are real runs of the project's job (in-process executor, a Dagster instance in the work directory),
against the sandbox served over HTTP on 127.0.0.1 from a separate process (benchmarks/serve.py).
"""

import argparse
import contextlib
import cProfile
import datetime as dt
import importlib
import io
import json
import os
import platform as platform_mod
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from . import report
from .memory import Sampler, descendants, ru_maxrss_bytes
from .workloads import NOW, WORKLOADS, Workload, write_brands_file

REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "benchmarks"
PHASES = (
    "ingest_vs_parse",
    "ingest_vs_dlt",
    "daily_short_history",
    "backfill",
    "daily_long_history",
    "dashboard_queries",
    "parquet_layout",
    "per_day_runs",
)
ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


class Bench:
    def __init__(self, workload: Workload, work: Path):
        self.w = workload
        self.work = work
        self.results_path = HERE / workload.results_file
        self.sampler = Sampler().start()
        self.sandbox: subprocess.Popen | None = None
        self.urls: dict[str, str] = {}
        self.phase = "start"
        self.results: dict = {
            "workload": workload.describe(),
            "machine": _machine(),
            "started_at": _utcnow(),
            "finished_at": None,
            "status": "running",
            "memory_measure": "RSS of the benchmark process plus its child processes (dbt), summed, sampled "
            "every 0.5 s; the sandbox's process excluded",
            "figures": {p: {"not_measured": "not reached"} for p in PHASES},
        }
        self.save()

    # -- results --------------------------------------------------------------------------------------------

    def save(self) -> None:
        self.results["machine"]["load_average_now"] = list(os.getloadavg())
        self.results["goals"] = report.goals(self.results)
        tmp = self.results_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.results, indent=1, default=str) + "\n")
        tmp.replace(self.results_path)
        report.write_markdown(HERE, REPO / "BENCHMARKS.md")

    def record(self, phase: str, figures: dict) -> None:
        self.results["figures"][phase] = figures
        self.save()
        print(f"[bench] {phase}: {json.dumps(report.headline(phase, figures), default=str)}", flush=True)

    def stop_early(self, why: str) -> None:
        partial = self.partial_run()
        for p in PHASES:
            if self.results["figures"][p].get("not_measured") == "not reached":
                self.results["figures"][p] = {"not_measured": f"{why} during phase {self.phase}"}
        if partial and self.phase in self.results["figures"]:
            # what the stopped run's event log shows: steps that finished, not the run's figure
            self.results["figures"][self.phase]["partial_run"] = partial
        self.results["status"] = f"stopped: {why} during phase {self.phase}"
        self.results["finished_at"] = _utcnow()
        self.save()

    def halt(self, why: str, code: int = 143) -> None:
        """Stop now, from any thread: keep what was measured, name what was not, end every child process."""
        self.stop_early(why)
        for pid in descendants(os.getpid()):  # dbt, the sandbox: nothing of ours outlives the benchmark
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os._exit(code)

    def partial_run(self) -> dict | None:
        """The run in progress when the benchmark is stopped: its finished steps and how long it had run."""
        if not getattr(self, "running", None):
            return None
        instance, t0, wall0 = self.running
        try:
            run = instance.get_runs(limit=1)[0]
            steps = _steps(instance, run.run_id, self.sampler, t0, time.monotonic())
        except Exception as exc:  # the instance may be mid-write: say so rather than fail the stop
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        return {
            "run_id": run.run_id,
            "seconds_when_stopped": round(time.time() - wall0, 1),
            "finished_steps_by_stage": {
                k: {"seconds": v["seconds"], "steps": len(v["steps"])} for k, v in steps["stages"].items()
            },
            "before_first_step_seconds": steps["before_first_step_seconds"],
            "planned_events": steps["planned_events"],
        }

    # -- the sandbox ----------------------------------------------------------------------------------------

    def start_sandbox(self, brands_file: Path) -> None:
        first = self.w.backfill_range()[0]
        self.sandbox = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.serve",
                "--brands",
                str(brands_file),
                "--now",
                NOW.isoformat(),
                "--first",
                first.isoformat(),
                "--last",
                self.w.daily_last.isoformat(),
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.sampler.exclude.add(self.sandbox.pid)
        line = self.sandbox.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox process exited before serving")
        ready = json.loads(line)
        self.urls = ready["urls"]
        self.results["sandbox"] = {
            "warm_seconds": ready["warm_seconds"],
            "statuses_generated": ready["statuses"],
            "pid": self.sandbox.pid,
        }
        print(f"[bench] sandbox ready: {ready['statuses']} statuses in {ready['warm_seconds']} s", flush=True)

    def sandbox_rss(self) -> int | None:
        from .memory import _rss_bytes

        return _rss_bytes(self.sandbox.pid) if self.sandbox else None

    def stop_sandbox(self) -> None:
        if self.sandbox and self.sandbox.poll() is None:
            self.sandbox.stdin.close()
            try:
                self.sandbox.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.sandbox.kill()

    # -- one pipeline (data directory + Dagster instance) ---------------------------------------------------

    def use_pipeline(self, name: str):
        """Point the project's settings at work/<name> (fresh), load the Definitions there, and return
        (defs, settings, instance)."""
        import dagster as dg

        base = self.work / name
        if base.exists():
            shutil.rmtree(base)
        home = base / "dagster_home"
        home.mkdir(parents=True)
        (home / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
        os.environ.update(
            {
                "SOCIAL_DATA_DIR": str(base),
                "DAGSTER_HOME": str(home),
                "SOCIAL_SANDBOX_URLS": ",".join(f"{p}={u}" for p, u in self.urls.items()),
                "SOCIAL_SANDBOX_NOW": NOW.isoformat(),
                "SOCIAL_PLATFORM_MODE": "sandbox",
                "SOCIAL_BRANDS_FILE": str(self.brands_file),
            }
        )
        # orchestration.definitions exports the lake and warehouse it settled on (for dbt); left in the
        # environment, the next pipeline would settle on the previous one's instead of its own
        for exported in ("SOCIAL_LAKE_URL", "SOCIAL_WAREHOUSE_PATH"):
            os.environ.pop(exported, None)
        if "orchestration.definitions" in sys.modules:
            importlib.reload(sys.modules["orchestration.definitions"])
        definitions = importlib.import_module("orchestration.definitions")
        instance = dg.DagsterInstance.get()
        return definitions.defs, definitions.settings, instance

    def run(self, defs, instance, start: dt.date, end: dt.date, refetch=False) -> dict:
        """One Dagster run of the job over start..end: wall time, steps, peak memory per stage."""
        from orchestration.run import run_range

        t0 = time.monotonic()
        self.running = (instance, t0, time.time())
        result = run_range(start, end, refetch=refetch, instance=instance, defs=defs)
        if _interrupted(result):
            # Dagster takes SIGTERM/SIGINT over while a run executes (the run fails as interrupted): the
            # benchmark stops here, as it would have between runs, keeping what the run's event log shows.
            self.halt("stopped by signal (the Dagster run was interrupted)")
        self.running = None
        t1 = time.monotonic()
        out = {
            "range": [start.isoformat(), end.isoformat()],
            "days": (end - start).days + 1,
            "success": result.success,
            "wall_seconds": round(t1 - t0, 2),
            "peak_rss_bytes": self.sampler.peak(t0, t1),
            **_steps(instance, result.run_id, self.sampler, t0, t1),
        }
        out["dbt"] = _dbt_timings(result.run_id)
        if not result.success:
            out["failures"] = [e.message for e in result.all_events if e.is_failure][:5]
        return out

    # -- phases ---------------------------------------------------------------------------------------------

    def ingest_vs_parse(self) -> dict:
        from assets.brand_config import load_brand_config
        from assets.ingest.lake import Lake
        from assets.ingest.landing import has_pages, read_pages
        from assets.ingest.platform_apis import SUPPORTED, PlatformApis
        from assets.ingest.runner import ingest_range

        config = load_brand_config(self.brands_file)
        first, last = self.w.backfill_range(self.w.ingest_days)
        days = [first + dt.timedelta(days=i) for i in range(self.w.ingest_days)]
        lake = Lake(str(self.work / "ingest" / "lake"))
        apis = PlatformApis(config, "sandbox", sandbox_urls=self.urls, sandbox_now=NOW.isoformat())
        per, records, requests = {}, 0, 0
        t0 = time.monotonic()
        for p in SUPPORTED:
            connector = apis.connector(p)
            for entity in ENTITIES:
                s = time.monotonic()
                res = ingest_range(connector, lake, entity, days, force_refetch=True)
                n = sum(r.write.written for r in res if r.write)
                per[f"{p}/{entity}"] = {"records": n, "seconds": round(time.monotonic() - s, 3)}
                records += n
            requests += connector.http.requests_made
        ingest_s = time.monotonic() - t0
        peak = self.sampler.peak(t0, time.monotonic())
        apis.close()

        bodies = [  # a day out of the platform's reach (X's search: 7 days) was never landed
            page.body
            for p in SUPPORTED
            for entity in ENTITIES
            for d in days
            if has_pages(lake, p, entity, d)
            for page in read_pages(lake, p, entity, d)
        ]
        parse_s, items, fallbacks = _plain_parse(bodies)
        parse_s2, _, _ = _plain_parse(bodies)  # twice: the faster of the two, as a limit should be
        parse_s = min(parse_s, parse_s2)

        profile = _profile_ingest(
            apis_factory=lambda: PlatformApis(
                config, "sandbox", sandbox_urls=self.urls, sandbox_now=NOW.isoformat()
            ),
            lake=lake,
            days=days,
            ingest_range=ingest_range,
            per=per,
        )
        return {
            "days": [d.isoformat() for d in days],
            "records": records,
            "pages": len(bodies),
            "page_bytes": sum(len(b) for b in bodies),
            "http_requests": requests,
            "ingest_seconds": round(ingest_s, 2),
            "ingest_records_per_second": round(records / ingest_s, 1),
            "ingest_peak_rss_bytes": peak,
            "parse_seconds": round(parse_s, 3),
            "parse_items": items,
            "parse_arrow_fallbacks": fallbacks,
            "parse_records_per_second": round(records / parse_s, 1),
            "ratio_to_parse_limit": round(parse_s / ingest_s, 4),
            "per_platform_entity": per,
            "profile": profile,
            "note": "ingest = assets.ingest.runner.ingest_range (fetch over HTTP, land, parse, write Parquet) "
            "with a forced re-fetch, every platform and entity, outside Dagster; the limit = orjson.loads of "
            "the same landed page bodies (already in memory) then pyarrow.Table.from_pylist of each page's "
            "list of items; both in records of the ingest's output per second",
        }

    def ingest_vs_dlt(self) -> dict:
        from assets.brand_config import load_brand_config
        from assets.ingest.lake import Lake
        from assets.ingest.platform_apis import PlatformApis
        from assets.ingest.runner import ingest_range

        try:
            import dlt  # noqa: F401
        except ImportError:
            return {"not_measured": "dlt is not installed (pip install -e '.[bench]')"}
        from .dlt_compare import run_dlt

        config = load_brand_config(self.brands_file)
        first, last = self.w.backfill_range(self.w.ingest_days)
        days = [first + dt.timedelta(days=i) for i in range(self.w.ingest_days)]
        lake = Lake(str(self.work / "dlt_ours" / "lake"))
        apis = PlatformApis(config, "sandbox", sandbox_urls=self.urls, sandbox_now=NOW.isoformat())
        connector = apis.connector("mastodon")
        t0 = time.monotonic()
        ours = 0
        for entity in ("posts", "mentions"):
            res = ingest_range(connector, lake, entity, days, force_refetch=True)
            ours += sum(r.write.written for r in res if r.write)
        ours_s = time.monotonic() - t0
        ours_requests = connector.http.requests_made
        apis.close()
        theirs = run_dlt(config, self.urls["mastodon"], first, last, self.work / "dlt")
        ours_rps = ours / ours_s
        return {
            "platform": "mastodon",
            "entities": ["posts", "mentions"],
            "days": [d.isoformat() for d in days],
            "ours_records": ours,
            "ours_seconds": round(ours_s, 2),
            "ours_http_requests": ours_requests,
            "ours_records_per_second": round(ours_rps, 1),
            **{f"dlt_{k}": v for k, v in theirs.items()},
            "ratio_ours_to_dlt": round(ours_rps / theirs["records_per_second"], 3)
            if theirs.get("records_per_second")
            else None,
            "note": "the same endpoints (account statuses, tag timelines, search) over the same days; dlt "
            "follows the Link headers (offset paging for search) and stops at the range's first day with an "
            "incremental cursor on created_at (row_order desc), writing Parquet to a local filesystem "
            "destination; ours lands the pages, parses them into canonical records (pseudonyms, brand "
            "matching, sentiment) and writes Parquet. Each side counts its own output rows.",
        }

    def daily(self, defs, instance) -> dict:
        from orchestration.schedules import daily_range

        refresh = int(os.environ.get("SOCIAL_METRICS_REFRESH_DAYS") or 3)
        start, end = daily_range(NOW + dt.timedelta(days=0), refresh)
        assert end == self.w.daily_last
        return self.run(defs, instance, start, end, refetch="posts")

    def dashboard_queries(self, settings) -> dict:
        import duckdb

        from assets.publish.dashboards.queries import ALL
        from assets.publish.warehouse import published_db

        con = duckdb.connect(str(published_db(settings.publish_dir)), read_only=True)
        per_query, every, first_runs = {}, [], []
        for page, queries in ALL.items():
            for name, sql in queries.items():
                s = time.perf_counter()
                con.execute(sql).fetchall()
                first_runs.append(time.perf_counter() - s)
                times = []
                for _ in range(self.w.query_repeats):
                    s = time.perf_counter()
                    con.execute(sql).fetchall()
                    times.append(time.perf_counter() - s)
                every += times
                per_query[f"{page}/{name}"] = {
                    "p50_ms": round(_pct(times, 50) * 1000, 2),
                    "p95_ms": round(_pct(times, 95) * 1000, 2),
                }
        con.close()
        slowest = sorted(per_query.items(), key=lambda kv: -kv[1]["p95_ms"])[:5]
        return {
            "queries": len(per_query),
            "executions": len(every),
            "p50_ms": round(_pct(every, 50) * 1000, 2),
            "p95_ms": round(_pct(every, 95) * 1000, 2),
            "first_execution_p95_ms": round(_pct(first_runs, 95) * 1000, 2),
            "slowest_p95": dict(slowest),
            "per_query": per_query,
            "note": f"each query of assets.publish.dashboards.queries.ALL once to warm up, then "
            f"{self.w.query_repeats} timed executions (fetchall) on one read-only connection to the "
            "published DuckDB file; p50/p95 over every timed execution",
        }

    def parquet_layout(self, settings) -> dict:
        return _layout(Path(settings.lake_url), settings.publish_dir / "current" / "parquet")

    def per_day(self, defs, instance, backfill: dict) -> dict:
        first, last = self.w.backfill_range()
        n = self.w.per_day_samples
        span = (last - first).days
        days = sorted({first + dt.timedelta(days=round(span * (i + 1) / (n + 1))) for i in range(n)})
        runs = [self.run(defs, instance, d, d, refetch=True) for d in days]
        mean = statistics.mean(r["wall_seconds"] for r in runs)
        extrapolated = mean * self.w.backfill_days
        out = {
            "days": [d.isoformat() for d in days],
            "runs": [{k: r[k] for k in ("range", "success", "wall_seconds", "stages")} for r in runs],
            "mean_seconds_per_day_run": round(mean, 2),
            "extrapolated_seconds": round(extrapolated, 1),
            "note": "each sampled day as its own run of the job (in-process, refetch: the API is called again "
            "as the backfill did), on the backfill's lake; extrapolated = mean x backfill days. A CLI run "
            "per day would add the process start-up (tens of seconds) to each.",
        }
        if backfill.get("wall_seconds"):
            out["backfill_seconds"] = backfill["wall_seconds"]
            out["ratio_per_day_to_backfill"] = round(extrapolated / backfill["wall_seconds"], 2)
        return out

    # -- the whole -------------------------------------------------------------------------------------------

    def main(self) -> int:
        self.brands_file = write_brands_file(self.w, self.work / "brands.yaml")
        self.phase = "sandbox"
        self.start_sandbox(self.brands_file)
        self.save()

        self.phase = "ingest_vs_parse"
        self.guard("ingest_vs_parse", self.ingest_vs_parse)
        self.phase = "ingest_vs_dlt"
        self.guard("ingest_vs_dlt", self.ingest_vs_dlt)

        self.phase = "daily_short_history"

        def short():
            defs, _settings, instance = self.use_pipeline("short_history")
            backfill = self.run(defs, instance, *self.w.backfill_range(self.w.short_history_days))
            daily = self.run_daily(defs, instance)
            instance.dispose()
            return {"history_days": self.w.short_history_days, "history_backfill": backfill, "daily": daily}

        self.guard("daily_short_history", short)

        self.phase = "backfill"
        defs, settings, instance = self.use_pipeline("main")
        backfill = self.guard("backfill", lambda: self.backfill(defs, instance, settings))

        self.phase = "daily_long_history"

        def long():
            daily = self.run_daily(defs, instance)
            out = {"history_days": self.w.backfill_days, "daily": daily}
            short_fig = self.results["figures"]["daily_short_history"]
            if "daily" in short_fig and daily["success"] and short_fig["daily"]["success"]:
                out["ratio_long_to_short"] = round(
                    daily["wall_seconds"] / short_fig["daily"]["wall_seconds"], 3
                )
            return out

        if backfill and backfill.get("success"):
            self.guard("daily_long_history", long)
            self.phase = "dashboard_queries"
            self.guard("dashboard_queries", lambda: self.dashboard_queries(settings))
            self.phase = "parquet_layout"
            self.guard("parquet_layout", lambda: self.parquet_layout(settings))
            self.phase = "per_day_runs"
            self.guard("per_day_runs", lambda: self.per_day(defs, instance, backfill))
        else:
            for p in ("daily_long_history", "dashboard_queries", "parquet_layout", "per_day_runs"):
                self.results["figures"][p] = {"not_measured": "the history backfill did not succeed"}
        instance.dispose()

        self.results["memory_peak_ru_maxrss"] = ru_maxrss_bytes()
        self.results["sandbox"]["rss_bytes_at_end"] = self.sandbox_rss()
        self.results["finished_at"] = _utcnow()
        self.results["status"] = "complete"
        self.save()
        self.stop_sandbox()
        self.sampler.stop()
        print(report.table(self.results), flush=True)
        return 0

    def run_daily(self, defs, instance) -> dict:
        return self.daily(defs, instance)

    def backfill(self, defs, instance, settings) -> dict:
        first, last = self.w.backfill_range()
        out = self.run(defs, instance, first, last)
        out["records"] = _raw_rows(Path(settings.lake_url), first, last)
        if out["wall_seconds"]:
            out["records_per_second"] = round(out["records"]["total"] / out["wall_seconds"], 1)
        return out

    def guard(self, phase: str, fn):
        try:
            figures = fn()
        except Exception as exc:  # a phase that breaks is reported as such; the others still run
            traceback.print_exc()
            figures = {"not_measured": f"failed: {type(exc).__name__}: {exc}"[:500]}
        self.record(phase, figures)
        return figures


# -- helpers -------------------------------------------------------------------------------------------------


def _utcnow() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _machine() -> dict:
    mem = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            k, v = line.split(":", 1)
            if k in ("MemTotal", "MemAvailable"):
                mem[k] = int(v.split()[0]) * 1024
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "python": platform_mod.python_version(),
        "load_average_at_start": list(os.getloadavg()),
        **{f"{k}_bytes": v for k, v in mem.items()},
        "shared": "other engineers' jobs may run on the same cores; see the load averages",
    }


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


STAGES = ("ingest", "marts", "gate", "publication", "dashboards", "other")


def stage_of(step_key: str) -> str:
    if step_key.startswith("raw__") or step_key.startswith("raw_"):
        return "ingest"
    if "dashboards" in step_key:
        return "dashboards"
    if step_key.startswith("published__warehouse"):
        return "publication"
    if "dbt" in step_key:
        return "marts"
    if "gx_suite" in step_key or "check" in step_key or "freshness" in step_key:
        return "gate"  # the blocking checks on the marts (the raw assets' checks run inside their steps)
    return "other"


def _steps(instance, run_id: str, sampler: Sampler, t0: float, t1: float) -> dict:
    """Per-step wall times from the run's event log, summed per stage, with each stage's peak memory."""
    from dagster import DagsterEventType

    wall0 = time.time() - (time.monotonic() - t0)  # the run's start on the wall clock
    spans: dict[str, list[float]] = {}
    for entry in instance.all_logs(run_id):
        ev = entry.dagster_event
        if ev is None or not ev.step_key:
            continue
        if ev.event_type in (DagsterEventType.STEP_START,):
            spans.setdefault(ev.step_key, [entry.timestamp, entry.timestamp])[0] = entry.timestamp
        elif ev.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            spans.setdefault(ev.step_key, [entry.timestamp, entry.timestamp])[1] = entry.timestamp
    stages: dict[str, dict] = {}
    for key, (s, e) in spans.items():
        st = stages.setdefault(
            stage_of(key), {"seconds": 0.0, "step_seconds": 0.0, "steps": {}, "_spans": []}
        )
        st["step_seconds"] += e - s
        st["steps"][key] = round(e - s, 2)
        st["_spans"].append((s, e))
    for st in stages.values():
        # wall time: the union of the stage's step spans (steps in processes of their own overlap), and the
        # sum of the steps' own times beside it
        st["seconds"] = round(_union_seconds(st["_spans"]), 2)
        local = [(t0 + (a - wall0), t0 + (b - wall0)) for a, b in st.pop("_spans")]
        peaks = [p for a, b in local if (p := sampler.peak(a, b)) is not None]
        st["peak_rss_bytes"] = max(peaks) if peaks else None
        st["step_seconds"] = round(st["step_seconds"], 2)
        st["steps"] = dict(sorted(st["steps"].items(), key=lambda kv: -kv[1]))
    covered = _union_seconds(list(spans.values()))
    starts = [s for s, _e in spans.values()]
    ends = [e for _s, e in spans.values()]
    return {
        "stages": {k: stages[k] for k in STAGES if k in stages},
        "outside_steps_seconds": round((t1 - t0) - covered, 2),
        # run creation: Dagster writes the run's planned events (one per asset and per check) before its
        # first step; then the end of the run after the last step
        "before_first_step_seconds": round(min(starts) - wall0, 2) if starts else None,
        "after_last_step_seconds": round(wall0 + (t1 - t0) - max(ends), 2) if ends else None,
        "planned_events": _planned_events(instance, run_id),
    }


def _union_seconds(spans) -> float:
    """The length of the union of (start, end) intervals."""
    total, reach = 0.0, None
    for a, b in sorted(spans):
        if reach is None or a > reach:
            total += b - a
            reach = b
        elif b > reach:
            total += b - reach
            reach = b
    return total


def _planned_events(instance, run_id: str) -> int:
    from dagster import DagsterEventType

    kinds = {
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    }
    return sum(
        1
        for e in instance.all_logs(run_id)
        if e.dagster_event is not None and e.dagster_event.event_type in kinds
    )


def _interrupted(result) -> bool:
    for event in result.all_events:
        error = getattr(getattr(event, "event_specific_data", None), "error", None)
        while error is not None:
            if error.cls_name == "DagsterExecutionInterruptedError":
                return True
            error = error.cause
    return False


def mark_stopped(workload: Workload, work: Path, why: str) -> int:
    """A benchmark killed outright (SIGKILL) could not write its end: do it from its files."""
    path = HERE / workload.results_file
    results = json.loads(path.read_text())
    phase = next((p for p in PHASES if results["figures"][p].get("not_measured") == "not reached"), None)
    for p in PHASES:
        if results["figures"][p].get("not_measured") == "not reached":
            results["figures"][p] = {"not_measured": f"{why} during phase {phase}"}
    if phase:
        partial = _partial_from_instance(
            work / ("main" if phase != "daily_short_history" else "short_history")
        )
        if partial:
            results["figures"][phase]["partial_run"] = partial
    results["status"] = f"stopped: {why} during phase {phase}"
    results["finished_at"] = results.get("finished_at") or _utcnow()
    results["goals"] = report.goals(results)
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    report.write_markdown(HERE, REPO / "BENCHMARKS.md")
    print(report.table(results))
    return 0


def _partial_from_instance(base: Path) -> dict | None:
    """The newest run of a pipeline's instance: what its event log shows of the steps that finished."""
    import dagster as dg
    from dagster import DagsterEventType

    home = base / "dagster_home"
    if not home.exists():
        return None
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return None
        run = runs[0]
        logs = instance.all_logs(run.run_id)
    if not logs:
        return None
    first, last = logs[0].timestamp, logs[-1].timestamp
    planned = [
        e.timestamp
        for e in logs
        if e.dagster_event is not None
        and e.dagster_event.event_type
        in (DagsterEventType.ASSET_MATERIALIZATION_PLANNED, DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED)
    ]
    spans: dict[str, list[float]] = {}
    for e in logs:
        ev = e.dagster_event
        if ev is None or not ev.step_key:
            continue
        if ev.event_type == DagsterEventType.STEP_START:
            spans[ev.step_key] = [e.timestamp, None]
        elif ev.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            spans.setdefault(ev.step_key, [e.timestamp, None])[1] = e.timestamp
    finished = {k: round(b - a, 2) for k, (a, b) in spans.items() if b is not None}
    stages: dict[str, dict] = {}
    for k, sec in finished.items():
        st = stages.setdefault(stage_of(k), {"seconds": 0.0, "steps": 0})
        st["seconds"] = round(st["seconds"] + sec, 2)
        st["steps"] += 1
    return {
        "run_id": run.run_id,
        "range": [
            run.tags.get("dagster/asset_partition_range_start"),
            run.tags.get("dagster/asset_partition_range_end"),
        ],
        "event_log_seconds": round(last - first, 1),
        "planned_events": len(planned),
        "planned_events_seconds": round(max(planned) - min(planned), 1) if planned else None,
        "finished_steps_by_stage": stages,
        "unfinished_steps": [k for k, (_a, b) in spans.items() if b is None],
        "note": "from the stopped run's event log: its first event to its last; not the run's figure",
    }


def _dbt_timings(run_id: str) -> dict | None:
    """dbt's own timings of the run's `dbt build` (run_results.json of its target folder, which dagster-dbt
    names <step>-<run id's first 7 characters>-<hash>): where dbt's time goes, models against tests."""
    found = list((REPO / "dbt_project" / "target").glob(f"*-{run_id[:7]}-*/run_results.json"))
    if not found:
        return None
    doc = json.loads(max(found, key=lambda p: p.stat().st_mtime).read_text())
    kinds: dict[str, dict] = {}
    for r in doc["results"]:
        k = kinds.setdefault(r["unique_id"].split(".")[0], {"nodes": 0, "seconds": 0.0})
        k["nodes"] += 1
        k["seconds"] += r["execution_time"]
    top = sorted(doc["results"], key=lambda r: -r["execution_time"])[:8]
    return {
        "elapsed_seconds": round(doc.get("elapsed_time", 0.0), 1),
        "by_kind": {k: {"nodes": v["nodes"], "seconds": round(v["seconds"], 1)} for k, v in kinds.items()},
        "slowest": {r["unique_id"]: round(r["execution_time"], 2) for r in top},
    }


def _items(doc) -> list | None:
    """The page's records: the longest list of objects within two levels of the document."""
    best = None
    frontier = [doc]
    for _ in range(3):
        nxt = []
        for node in frontier:
            if isinstance(node, list):
                if node and isinstance(node[0], dict) and (best is None or len(node) > len(best)):
                    best = node
            elif isinstance(node, dict):
                nxt.extend(v for v in node.values() if isinstance(v, (dict, list)))
        frontier = nxt
    return best


def _plain_parse(bodies: list[str]) -> tuple[float, int, int]:
    import orjson
    import pyarrow as pa

    items_n, fallbacks = 0, 0
    t0 = time.perf_counter()
    for body in bodies:
        doc = orjson.loads(body)
        items = _items(doc)
        if not items:
            continue
        items_n += len(items)
        try:
            pa.Table.from_pylist(items)
        except (pa.ArrowException, TypeError, ValueError):
            # mixed types across items: nested values as JSON text, as a loader without a schema would
            fallbacks += 1
            pa.Table.from_pylist(
                [
                    {k: orjson.dumps(v).decode() if isinstance(v, (dict, list)) else v for k, v in it.items()}
                    for it in items
                ]
            )
    return time.perf_counter() - t0, items_n, fallbacks


def _profile_ingest(apis_factory, lake, days, ingest_range, per: dict) -> dict:
    """cProfile of the slowest platform/entity of the ingest, run again (its figures are not the ingest's)."""
    slowest = max(per, key=lambda k: per[k]["seconds"])
    platform, entity = slowest.split("/")
    apis = apis_factory()
    prof = cProfile.Profile()
    prof.enable()
    ingest_range(apis.connector(platform), lake, entity, days, force_refetch=True)
    prof.disable()
    apis.close()
    stream = io.StringIO()
    stats = pstats.Stats(prof, stream=stream)
    total = stats.total_tt
    rows = []
    for (file, line, fn), (_cc, _nc, tt, ct, _callers) in stats.stats.items():
        rows.append((tt, ct, f"{Path(file).name}:{line}({fn})"))
    top_self = sorted(rows, reverse=True)[:15]
    return {
        "profiled": slowest,
        "total_seconds": round(total, 2),
        "top_self_time": [{"fn": f, "self_s": round(tt, 3), "cum_s": round(ct, 3)} for tt, ct, f in top_self],
    }


def _raw_rows(lake_root: Path, first: dt.date, last: dt.date) -> dict:
    import duckdb

    out, total = {}, 0
    con = duckdb.connect()
    for folder in sorted((lake_root / "raw").glob("*/*")):
        if folder.parent.name == "reference" or not any(folder.glob("dt=*/*.parquet")):
            continue
        n = con.execute(
            "select count(*) from read_parquet(?, hive_partitioning=true) where dt between ? and ?",
            [str(folder / "dt=*" / "*.parquet"), first, last],
        ).fetchone()[0]
        out[f"{folder.parent.name}/{folder.name}"] = n
        total += n
    con.close()
    return {"total": total, "by_dataset": out}


def _layout(lake_root: Path, published: Path) -> dict:
    import pyarrow.parquet as pq

    def describe(files_by_partition: dict[str, list[Path]]) -> dict:
        groups, files_per = [], []
        for files in files_by_partition.values():
            files_per.append(len(files))
            for f in files:
                md = pq.ParquetFile(f).metadata
                groups += [md.row_group(i).num_rows for i in range(md.num_row_groups)]
        if not groups:
            return {"partitions": len(files_per), "row_groups": 0}
        return {
            "partitions": len(files_per),
            "files": sum(files_per),
            "files_per_partition": {"min": min(files_per), "max": max(files_per)},
            "row_groups": len(groups),
            "rows_per_row_group": {
                "min": min(groups),
                "median": statistics.median(groups),
                "mean": round(statistics.mean(groups), 1),
                "max": max(groups),
            },
        }

    raw = {}
    for folder in sorted((lake_root / "raw").glob("*/*")):
        parts = {p.name: sorted(p.glob("*.parquet")) for p in folder.glob("dt=*") if p.is_dir()}
        if parts:
            raw[f"{folder.parent.name}/{folder.name}"] = describe(parts)
    all_raw = {}
    for folder in sorted((lake_root / "raw").glob("*/*")):
        for p in folder.glob("dt=*"):
            all_raw[str(p)] = sorted(p.glob("*.parquet"))
    pub = {f.name: [f] for f in sorted(published.glob("*.parquet"))} if published.exists() else {}
    return {
        "raw_all": describe(all_raw),
        "raw_by_dataset": raw,
        "published_marts": describe(pub),
        "published_by_table": {k: describe({k: v}) for k, v in pub.items()},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workload", choices=sorted(WORKLOADS), default="standard")
    p.add_argument("--work-dir", type=Path, default=None, help="default: .data/bench/<workload>")
    p.add_argument(
        "--stop-at",
        type=dt.datetime.fromisoformat,
        default=None,
        help="ISO time (UTC when no zone): stop there, keeping the figures measured so far",
    )
    p.add_argument(
        "--mark-stopped",
        metavar="WHY",
        default=None,
        help="do not run: mark a results file left by a killed benchmark as stopped (figures not reached: "
        "not measured) and regenerate BENCHMARKS.md",
    )
    args = p.parse_args(argv)
    workload = WORKLOADS[args.workload]
    work = (args.work_dir or REPO / ".data" / "bench" / workload.name).resolve()
    if args.mark_stopped:
        return mark_stopped(workload, work, args.mark_stopped)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    bench = Bench(workload, work)

    def on_signal(signum, _frame):
        # Stopped from outside between runs (during a run Dagster handles the signal: see Bench.run)
        bench.halt(f"stopped by signal {signal.Signals(signum).name}", 128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.stop_at:
        stop_at = args.stop_at if args.stop_at.tzinfo else args.stop_at.replace(tzinfo=dt.UTC)

        def watchdog():
            time.sleep(max(0.0, (stop_at - dt.datetime.now(dt.UTC)).total_seconds()))
            bench.halt(f"stopped at the deadline {stop_at.isoformat()}")

        threading.Thread(target=watchdog, name="deadline", daemon=True).start()
    try:
        return bench.main()
    except Exception as exc:
        traceback.print_exc()
        bench.stop_early(f"failed: {type(exc).__name__}: {exc}"[:300])
        return 1
    finally:
        bench.stop_sandbox()
