"""python -m sandbox [serve] [--host H] [--port P] [--seed S] [--brands FILE] [--now ISO] [--token T]
python -m sandbox ground-truth --start D --end D [--seed S] [--brands FILE] [--now ISO]"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from assets.brand_config import BrandConfigError, load_brand_config

from .ground_truth import ground_truth
from .limits import RateLimit
from .server import SandboxServer
from .world import World

DEFAULT_BRANDS = Path(__file__).resolve().parent.parent / "brands.yaml"


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sandbox", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", nargs="?", choices=("serve", "ground-truth"), default="serve")
    p.add_argument(
        "--brands",
        type=Path,
        default=Path(os.environ.get("SOCIAL_BRANDS_FILE") or DEFAULT_BRANDS),
        help="brand configuration (default: $SOCIAL_BRANDS_FILE or brands.yaml at the repository root)",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--now", type=_moment, default=None, help="the world's present, ISO 8601 (default: wall clock)"
    )
    p.add_argument("--history-days", type=int, default=400)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument("--token", default=None, help="require 'Authorization: Bearer TOKEN'")
    p.add_argument("--rate-limit", type=int, default=RateLimit.limit, help="requests per window")
    p.add_argument("--rate-period", type=int, default=RateLimit.period_seconds, help="window, in seconds")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    p.add_argument("--start", type=dt.date.fromisoformat, help="ground-truth: first day, YYYY-MM-DD")
    p.add_argument("--end", type=dt.date.fromisoformat, help="ground-truth: last day, YYYY-MM-DD")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        config = load_brand_config(args.brands)
    except BrandConfigError as exc:
        parser.exit(2, f"python -m sandbox: {exc}\n")
    world = World(config, seed=args.seed, now=args.now, history_days=args.history_days)
    if args.command == "ground-truth":
        if args.start is None or args.end is None:
            parser.error("ground-truth needs --start and --end")
        json.dump(ground_truth(world, args.start, args.end), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    server = SandboxServer(
        world,
        host=args.host,
        port=args.port,
        access_token=args.token,
        rate_limit=RateLimit(args.rate_limit, args.rate_period),
        verbose=args.verbose,
    )
    with server:
        print(
            f"sandbox Mastodon API at {server.url} (seed {args.seed}, now {world.now.isoformat()}); "
            "Ctrl-C stops",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
