"""The benchmark's sandbox: every platform's simulated API on 127.0.0.1, in a process of its own.

    python -m benchmarks.serve --brands FILE --now ISO --first YYYY-MM-DD --last YYYY-MM-DD

The simulation is Python too: served from the benchmark's own process it would share the interpreter lock
with the pipeline being measured. Here it runs beside it (on the other core), and every day the workload asks
for is generated before the benchmark starts (`--first`..`--last`, with the comment lookback and the thread
span before them), so the figures measure the pipeline and HTTP, not the simulator's first visit of a day.

Prints one JSON line {"urls": {platform: url}, "warm_seconds": s, "statuses": n} once ready, then serves until
its standard input closes (the benchmark holds the pipe; when the benchmark dies, the sandbox follows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from assets.brand_config import load_brand_config
from assets.ingest.platform_apis import SUPPORTED
from sandbox import SandboxServer, World
from sandbox.limits import RateLimit

# the comment lookback (7 days) and a thread's span (5 days) before the first day
WARM_BEFORE_DAYS = 14


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--brands", type=Path, required=True)
    p.add_argument("--now", required=True)
    p.add_argument("--first", type=dt.date.fromisoformat, required=True)
    p.add_argument("--last", type=dt.date.fromisoformat, required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--history-days", type=int, default=400)
    args = p.parse_args(argv)

    config = load_brand_config(args.brands)
    now = dt.datetime.fromisoformat(args.now)
    t0 = time.monotonic()
    worlds = {
        platform: World(config, seed=args.seed, now=now, platform=platform, history_days=args.history_days)
        for platform in SUPPORTED
    }
    statuses = 0
    for world in worlds.values():
        day = max(world.start, args.first - dt.timedelta(days=WARM_BEFORE_DAYS))
        while day <= min(args.last + dt.timedelta(days=1), world.today):
            statuses += len(world.day(day).statuses)
            day += dt.timedelta(days=1)
        for account in world.brand_accounts.values():
            world.statuses_count(account)  # walks the whole history once; cached for every later answer
    warm = time.monotonic() - t0
    # No rate limit to wait on: the benchmark measures the pipeline, not a platform's quota.
    unlimited = RateLimit(1_000_000_000, 60)
    servers = {p: SandboxServer(w, rate_limit=unlimited).start() for p, w in worlds.items()}
    try:
        print(
            json.dumps(
                {
                    "urls": {p: s.url for p, s in servers.items()},
                    "warm_seconds": round(warm, 1),
                    "statuses": statuses,
                }
            ),
            flush=True,
        )
        sys.stdin.read()  # until the benchmark closes the pipe or dies
    finally:
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
