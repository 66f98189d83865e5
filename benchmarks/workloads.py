"""The benchmark's workloads: which brands, how many days, how many samples.

standard: issue #9's workload, 10 brands (4 clients, 6 competitors) x 6 platforms x 365 days.
quick:    the CI one (`make bench-quick`), a few minutes: 3 brands (brewbean and its two competitors) x 6
          platforms x 7 days, the same figures on a smaller scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
BENCH_BRANDS = HERE / "brands_bench.yaml"
# The sandbox's frozen present: every run of the benchmark sees the same world (seed 42).
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Workload:
    name: str
    brands: tuple[str, ...] | None  # None: every brand of brands_bench.yaml
    backfill_days: int  # the history backfill: the days before the daily run's last day
    short_history_days: int  # the daily run is also measured over this much history
    per_day_samples: int  # days of the backfill run again as one Dagster run each (extrapolated)
    ingest_days: int  # days of the ingest-vs-parse and ingest-vs-dlt comparisons
    query_repeats: int  # timed executions of each dashboard query (after one warm-up)
    results_file: str

    @property
    def daily_last(self) -> dt.date:
        """The daily run's last day: the last complete UTC day at NOW (what the schedule runs)."""
        return NOW.date() - dt.timedelta(days=1)

    def backfill_range(self, days: int | None = None) -> tuple[dt.date, dt.date]:
        """`days` days ending the day before the daily run's last day."""
        last = self.daily_last - dt.timedelta(days=1)
        return last - dt.timedelta(days=(days or self.backfill_days) - 1), last

    def describe(self) -> dict:
        return {**asdict(self), "now": NOW.isoformat()}


WORKLOADS = {
    "standard": Workload(
        name="standard",
        brands=None,
        backfill_days=365,
        short_history_days=30,
        per_day_samples=3,
        ingest_days=7,
        query_repeats=20,
        results_file="results.json",
    ),
    "quick": Workload(
        name="quick",
        brands=("brewbean", "roastco", "kaffeeklub"),
        backfill_days=7,
        short_history_days=3,
        per_day_samples=1,  # CI runs it after the tests: each sample is a whole Dagster run
        ingest_days=2,
        query_repeats=10,
        results_file="results-quick.json",
    ),
}


def write_brands_file(workload: Workload, path: Path) -> Path:
    """brands_bench.yaml narrowed to the workload's brands (their competitor lists and campaigns too)."""
    doc = yaml.safe_load(BENCH_BRANDS.read_text())
    if workload.brands is not None:
        keep = set(workload.brands)
        brands = {b: v for b, v in doc["brands"].items() if b in keep}
        for v in brands.values():
            if "competitors" in v:
                v["competitors"] = [c for c in v["competitors"] if c in keep]
        doc["brands"] = brands
        doc["campaigns"] = [c for c in doc.get("campaigns", []) if c["brand"] in keep]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path
