"""python -m tests.chaos [--start D] [--end D] [--out RELIABILITY.md] [--no-netns] [--keep DIR]

The chaos run: six sandbox platforms with fault injection on (429 storms with Retry-After, 5xx bursts,
timeouts, connection resets, truncated bodies, malformed records, schema drift: new fields, missing optional
fields, a type change), and the real command line `python -m orchestration.run` backfilling every platform
over several days, in a network namespace with loopback only (no network at all beyond it), under a time limit.
Then every record is accounted for against the sandboxes' ground truth (the World): landed in raw Parquet,
quarantined with its reason, or not collected because its post was quarantined (a post that cannot be dated
has its thread left alone); lost = 0 and duplicated = 0 are checked, and the published marts are compared with
the ground truth minus what was quarantined. The figures go to RELIABILITY.md; the exit status is non-zero
when a check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
# X's recent search reaches 7 days back from NOW (2026-11-13T06:00): the range starts on the first whole day
# it still serves, so every platform is measured on every day, and ends on NOW's yesterday.
START, END = dt.date(2026, 11, 14), dt.date(2026, 11, 19)
TIME_LIMIT_S = 45 * 60
HTTP_TIMEOUT_S = 4.0  # the pipeline's read timeout in this run (SOCIAL_HTTP_TIMEOUT_SECONDS)
# Optional fields every platform may leave out (language tags, YouTube's hideable like counts).
DROPPED = ("language", "langs", "lang", "defaultAudioLanguage", "defaultLanguage", "likeCount")
ENTITIES = ("posts", "comments", "mentions")


def chaos_faults(platform_index: int, platform: str):
    from sandbox import FaultConfig

    # Facebook throttles in minutes (Graph's estimated_time_to_regain_access): each of its 429s costs the
    # client a 60 s wait, so it gets fewer of them, one at a time.
    throttled = platform == "facebook"
    return FaultConfig(
        seed=1000 + platform_index,
        rate_429=0.004 if throttled else 0.01,
        rate_500=0.004,
        rate_502=0.004,
        rate_503=0.004,
        rate_truncated=0.01,
        storm_length=1 if throttled else 3,  # a refusal lasts three requests: a storm, not a blip
        retry_after_seconds=1,
        rate_reset=0.01,
        rate_slow=0.003,
        slow_seconds=HTTP_TIMEOUT_S + 2,  # past the client's read timeout
        malformed_records=0.002,
        retyped_records=0.002,
        extra_fields=True,
        drop_fields=DROPPED,
    )


# ---- offline: a network namespace with loopback only -------------------------------------------------


def reexec_offline(argv: list[str]) -> int:
    """Run this module again inside a new network namespace (unshare), with only loopback up."""
    user = [] if os.geteuid() == 0 else ["-r"]  # not root: a user namespace maps us to root inside it
    inner = f"ip link set lo up && exec {sys.executable} -m tests.chaos --in-netns " + " ".join(
        _quote(a) for a in argv
    )
    return subprocess.call(["unshare", *user, "-n", "sh", "-c", inner], cwd=REPO)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def network_probe() -> str:
    """What a connection beyond loopback gets here (TEST-NET-1, never routed): it must fail at once."""
    t0 = time.monotonic()
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=5).close()
    except OSError as exc:
        return f"{exc.strerror or exc} after {time.monotonic() - t0:.3f} s"
    raise SystemExit("the chaos run must be offline, but 192.0.2.1:80 answered: refusing to measure")


# ---- ground truth ----------------------------------------------------------------------------------------


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def wire_ids(platform: str, api, st) -> set[str]:
    """The ids a status can carry on the platform's wire and in canonical records (to map quarantine rows
    back to the World). Mirrors sandbox/<platform>_api.py."""
    if platform == "mastodon":
        return {str(st.id)}
    if platform == "x":
        from sandbox.x_api import x_id

        return {str(x_id(st.id))}
    if platform == "reddit":
        from sandbox.reddit_api import thing_id

        tid = thing_id(st)
        return {tid, f"t3_{tid}", f"t1_{tid}"}
    if platform == "bluesky":
        return {api.uri(st)}
    if platform == "facebook":
        root = st.root or st
        return {f"{st.account.id}_{st.id}", f"{root.id}_{st.id}"}
    if platform == "youtube":
        from sandbox.youtube_api import reply_id, thread_id, video_id

        ids = {video_id(st), thread_id(st)}
        top = st
        while top.parent is not None and top.parent is not st.root:
            top = top.parent
        if top is not st:
            ids.add(reply_id(top, st))
        return ids
    raise ValueError(platform)


def truth(worlds: dict, start: dt.date, end: dt.date) -> dict:
    """Per (platform, entity, day): the World's records an API can show, as statuses."""
    out: dict[tuple, list] = defaultdict(list)
    for platform, world in worlds.items():
        pages = {a.id for a in world.brand_accounts.values()}
        for day in days(start, end):
            for st in world.statuses_on(day):
                if st.kind == "post":
                    out[platform, "posts", day].append(st)
                if st.root is not None:
                    out[platform, "comments", day].append(st)
                # mentions: top-level statuses naming a brand; Facebook shows only those tagging a Page
                if (
                    st.parent is None
                    and st.named
                    and (platform != "facebook" or any(a.id in pages for a in st.mentions))
                ):
                    out[platform, "mentions", day].append(st)
    return out


# ---- what the run left ------------------------------------------------------------------------------------


def read_partition(lake_root: Path, area: str, platform: str, entity: str, day: dt.date) -> list[dict]:
    import pyarrow.parquet as pq

    path = lake_root / area / platform / entity / f"dt={day.isoformat()}" / "part-0.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def quarantine_ids(row: dict) -> list[str]:
    """The ids a quarantine row names for its own record, surest first: the record's id, then its own id
    fields as received (a parser's quarantine) or as canonical (the writer's: comment_id, never the post_id of
    the post a comment answers)."""
    own = {"posts": "post_id", "comments": "comment_id", "mentions": "mention_id"}[row["entity"]]
    ids = [row["record_id"]] if row.get("record_id") else []
    try:
        record = json.loads(row["record"])
    except (TypeError, ValueError):
        return ids
    if isinstance(record, dict):
        ids += [str(record[k]) for k in (own, "name", "uri", "id") if isinstance(record.get(k), str | int)]
    return ids


def account(worlds, servers, lake_root: Path, start: dt.date, end: dt.date) -> dict:
    """Every status of the ground truth, classified: landed in raw Parquet, quarantined (in any partition of
    its entity: an undatable record is quarantined by every day whose pages show it), not collected (a reply
    under a quarantined post, whose thread cannot be placed), or lost. Landed or quarantined records that map
    to no status of the World are counted apart (they would be invented records)."""
    from assets.ingest.schemas import ENTITY_KEYS

    expected = truth(worlds, start, end)
    figures, reasons, unmapped, outside, listed = {}, Counter(), [], set(), []
    landed_status: dict[tuple, set] = defaultdict(set)  # (platform, entity) -> World statuses landed
    landed_brands: Counter = Counter()  # (platform, brand, day) -> landed mention records (status, brand)
    for platform, world in worlds.items():
        api = servers[platform].api
        # every status that may show up, with the posts before the range whose threads reach into it
        by_wire = {}
        for day in days(start - dt.timedelta(days=14), end):
            for st in world.statuses_on(day):
                for wid in wire_ids(platform, api, st):
                    by_wire[wid] = st
        # the brands' older posts: their feeds are walked back past an undatable post
        for day in days(start - dt.timedelta(days=120), start - dt.timedelta(days=15)):
            for bid in world.brand_accounts:
                for st in world.posts(bid, day):
                    for wid in wire_ids(platform, api, st):
                        by_wire[wid] = st
        # a status quarantined in any entity's partition (a brand's reply shows in its feed, too)
        quarantined = set()
        rows = {e: Counter() for e in ENTITIES}
        for entity in ENTITIES:
            key_cols = ENTITY_KEYS[entity]
            for day in days(start, end):
                raw = read_partition(lake_root, "raw", platform, entity, day)
                keys = [tuple(r[k] for k in key_cols) for r in raw]
                rows[entity]["duplicated", day] = len(keys) - len(set(keys))
                for r in raw:
                    st = by_wire.get(str(r[key_cols[1]]))
                    if st is None:
                        unmapped.append(("landed", platform, entity, day.isoformat(), r[key_cols[1]]))
                    else:
                        landed_status[platform, entity].add(st)
                        if entity == "mentions":
                            landed_brands[platform, r["matched_brand"], day] += 1
                for row in read_partition(lake_root, "quarantine", platform, entity, day):
                    reasons[platform, entity, _reason_kind(row["reason"])] += 1
                    listed.append((platform, entity, day.isoformat(), row["record_id"], row["reason"]))
                    rows[entity]["quarantine_rows", day] += 1
                    st = next((by_wire[i] for i in quarantine_ids(row) if i in by_wire), None)
                    if st is None:  # not of the measured days (a listing walked back past it): counted
                        outside.add((platform, entity, row["record_id"]))
                    else:
                        quarantined.add(st)
        gone_posts = quarantined - landed_status[platform, "posts"]
        for entity in ENTITIES:
            for day in days(start, end):
                f = Counter(
                    duplicated=rows[entity]["duplicated", day],
                    quarantine_rows=rows[entity]["quarantine_rows", day],
                )
                for st in expected[platform, entity, day]:
                    f["expected"] += 1
                    if st in landed_status[platform, entity]:
                        f["landed"] += 1
                    elif st in quarantined:
                        f["quarantined"] += 1
                    elif entity == "comments" and st.root in gone_posts:
                        f["not_collected"] += 1
                    else:
                        f["lost"] += 1
                figures[platform, entity, day] = f
    return {
        "figures": figures,
        "reasons": reasons,
        "unmapped": unmapped,
        "outside": outside,
        "listed": listed,
        "landed": landed_status,
        "landed_brands": landed_brands,
    }


def _reason_kind(reason: str) -> str:
    """The reason without the values it quotes: 'like_count is not an integer: …'."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|-?\d[\d:.T+-]*", "…", reason)[:90]


def compare_marts(published_db: Path, acc: dict, start: dt.date, end: dt.date) -> list[str]:
    """The marts against the ground truth of the statuses that landed: per platform, brand and day, posts,
    comments received and brand replies (community.fct_channel_daily) and mentions
    (competitors.fct_share_of_voice_daily, from the World's own brand matching); no duplicated grain."""
    import duckdb

    want = Counter()  # (platform, brand, day, metric) -> what the marts must show
    for (platform, entity), statuses in acc["landed"].items():
        for st in statuses:
            day = dt.datetime.fromtimestamp(st.ms / 1000, dt.UTC).date()
            if not start <= day <= end:
                continue
            if entity == "posts":
                want[platform, st.account.brand_id, day, "posts"] += 1
            elif entity == "comments":
                owner = st.root.account.brand_id
                kind = "brand_replies" if st.account.brand_id == owner else "comments_received"
                want[platform, owner, day, kind] += 1
            else:
                for bid in st.named:
                    want[platform, bid, day, "mentions"] += 1
    got = Counter()
    problems = []
    with duckdb.connect(str(published_db), read_only=True) as con:
        for p, b, d, posts, comments, replies in con.execute(
            "select platform, brand_id, date, sum(posts), sum(comments_received), sum(brand_replies) "
            "from community.fct_channel_daily where date between ? and ? group by all",
            [start, end],
        ).fetchall():
            got[p, b, d, "posts"] += posts or 0
            got[p, b, d, "comments_received"] += comments or 0
            got[p, b, d, "brand_replies"] += replies or 0
        for p, b, d, n in con.execute(
            "select distinct platform, brand_id, date, mentions from competitors.fct_share_of_voice_daily "
            "where date between ? and ?",
            [start, end],
        ).fetchall():
            got[p, b, d, "mentions"] += n or 0
        for table, key in (
            ("community.fct_posts", "platform, post_id"),
            ("community.fct_channel_daily", "platform, brand_id, account_id, date"),
            ("competitors.fct_share_of_voice_daily", "group_id, platform, brand_id, date"),
        ):
            dup = con.execute(f"select count(*) - count(distinct ({key})) from {table}").fetchone()[0]
            if dup:
                problems.append(f"{table}: {dup} duplicated rows")
    for k in sorted(set(want) | {k for k, v in got.items() if v}, key=repr):
        if want[k] != got[k]:
            problems.append(f"{k}: mart {got[k]}, ground truth of what landed {want[k]}")
    if sum(want.values()) < 1000:
        problems.append(f"too little compared: {sum(want.values())} records")
    acc["compared"] = len(set(want) | set(got))
    return problems


# ---- the run -----------------------------------------------------------------------------------------------


def fault_figures(servers) -> dict[str, Counter]:
    out = {}
    for platform, server in servers.items():
        faults, c = server.api.faults, Counter()
        c["requests"] = server.api.requests_seen
        for n in range(1, server.api.requests_seen + 1):
            kind = faults.fault_for(n)
            if kind:
                c[kind] += 1
        for n in range(1, server.requests_served + 1):
            c["reset"] += faults.is_reset(n)
            c["slow"] += faults.is_slow(n)
        out[platform] = c
    return out


def client_figures(dagster_home: Path) -> dict[str, Counter]:
    """The raw assets' own counts from Dagster's event log: requests and retries per platform."""
    import dagster as dg

    from assets.ingest.platform_apis import SUPPORTED

    out: dict[str, Counter] = defaultdict(Counter)
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with dg.DagsterInstance.get() as instance:
        for run in instance.get_runs():
            for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY):
                platform = (
                    (e.step_key or "").split("__")[1] if (e.step_key or "").startswith("raw__") else "other"
                )
                out[platform]["step_retries"] += 1
        for platform in SUPPORTED:
            for entity in (*ENTITIES, "account_snapshots"):
                event = instance.get_latest_materialization_event(dg.AssetKey(["raw", platform, entity]))
                if event is None:
                    continue
                meta = event.asset_materialization.metadata
                out[platform]["http_requests"] += meta["http_requests"].value
                out[platform]["http_retries"] += meta["http_retries"].value
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    p.add_argument("--start", type=dt.date.fromisoformat, default=START)
    p.add_argument("--end", type=dt.date.fromisoformat, default=END)
    p.add_argument("--out", type=Path, default=REPO / "RELIABILITY.md")
    p.add_argument("--keep", type=Path, help="keep the run's data here (default: a temporary folder)")
    p.add_argument("--no-netns", action="store_true", help="do not isolate the network (no unshare)")
    p.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--account-only", type=Path, metavar="DIR", help="account again for a run kept with --keep"
    )
    args = p.parse_args(argv)
    if args.account_only:
        return account_only(args)
    if not args.no_netns and not args.in_netns:
        return reexec_offline(argv)
    probe = network_probe() if args.in_netns else "not isolated (--no-netns)"
    print(f"chaos: network beyond loopback: {probe}", flush=True)

    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED
    from sandbox import SandboxServer, World

    base = args.keep or Path(tempfile.mkdtemp(prefix="chaos-"))
    if args.keep and base.exists():
        shutil.rmtree(base)
    (base / "dagster_home").mkdir(parents=True)
    shutil.copy(REPO / "orchestration" / "dagster.yaml", base / "dagster_home" / "dagster.yaml")
    config = load_brand_config(REPO / "brands.yaml")
    worlds = {pf: World(config, seed=42, now=NOW, platform=pf) for pf in SUPPORTED}
    servers = {
        pf: SandboxServer(w, faults=chaos_faults(i, pf)).start() for i, (pf, w) in enumerate(worlds.items())
    }
    env = {
        **os.environ,
        "SOCIAL_DATA_DIR": str(base),
        "DAGSTER_HOME": str(base / "dagster_home"),
        "SOCIAL_SANDBOX_URLS": ",".join(f"{pf}={s.url}" for pf, s in servers.items()),
        "SOCIAL_SANDBOX_NOW": NOW.isoformat(),
        "SOCIAL_PLATFORM_MODE": "sandbox",
        "SOCIAL_HTTP_TIMEOUT_SECONDS": str(HTTP_TIMEOUT_S),
        # Measuring, not gating: with a few records per small partition, one quarantined record can be
        # more than the default 2 %; the check still demands that every day's counts add up.
        "SOCIAL_QUARANTINE_MAX_SHARE": "0.5",
        "GX_ANALYTICS_ENABLED": "False",
        "DO_NOT_TRACK": "1",
    }
    cmd = [sys.executable, "-m", "orchestration.run", "--start", str(args.start), "--end", str(args.end)]
    print(f"chaos: {' '.join(cmd[1:])} (data in {base}, log in {base / 'run.log'})", flush=True)
    t0 = time.monotonic()
    with open(base / "run.log", "wb") as log:
        try:
            rc = subprocess.run(
                cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=TIME_LIMIT_S
            )
            code = rc.returncode
        except subprocess.TimeoutExpired:
            code = None
    took = time.monotonic() - t0
    faults = fault_figures(servers)
    for s in servers.values():
        s.stop()
    problems = []
    if code != 0:
        problems.append(
            f"the run {'timed out' if code is None else f'exited with {code}'} (see {base / 'run.log'})"
        )
    acc = account(worlds, servers, base / "lake", args.start, args.end)
    clients = client_figures(base / "dagster_home")
    published = base / "published" / "current" / "warehouse.duckdb"
    if published.exists():
        problems += compare_marts(published, acc, args.start, args.end)
    else:
        problems.append("nothing was published")
    for (platform, entity, day), f in sorted(acc["figures"].items()):
        if f["lost"] or f["duplicated"]:
            problems.append(f"{platform}/{entity} {day}: lost {f['lost']}, duplicated {f['duplicated']}")
    problems += [f"landed record not found in the World: {u}" for u in acc["unmapped"][:20]]
    report = render(args, probe, took, code, faults, clients, acc, problems)
    args.out.write_text(report)
    print(report)
    print(f"chaos: {'PASSED' if not problems else 'FAILED'}; wrote {args.out}", flush=True)
    if problems or args.keep:
        print(f"chaos: the run's data stays in {base}", flush=True)
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if problems else 0


def account_only(args) -> int:
    """The records and marts of a kept run, accounted again (no run, no fault figures): for working on this
    module without paying for a run."""
    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED
    from sandbox import SandboxServer, World

    config = load_brand_config(REPO / "brands.yaml")
    worlds = {pf: World(config, seed=42, now=NOW, platform=pf) for pf in SUPPORTED}
    servers = {pf: SandboxServer(w).start() for pf, w in worlds.items()}  # their APIs name the wire ids
    try:
        acc = account(worlds, servers, args.account_only / "lake", args.start, args.end)
    finally:
        for s in servers.values():
            s.stop()
    total = Counter()
    for f in acc["figures"].values():
        total.update(f)
    print(dict(total))
    problems = [f"{k}: {dict(f)}" for k, f in sorted(acc["figures"].items()) if f["lost"] or f["duplicated"]]
    problems += [f"landed record not found in the World: {u}" for u in acc["unmapped"][:20]]
    published = args.account_only / "published" / "current" / "warehouse.duckdb"
    if published.exists():
        problems += compare_marts(published, acc, args.start, args.end)
    print("\n".join(problems[:60]) or "no problem")
    return 1 if problems else 0


def render(args, probe, took, code, faults, clients, acc, problems) -> str:
    from assets.ingest.platform_apis import SUPPORTED

    kinds = ("429", "500", "502", "503", "truncated", "reset", "slow")
    figures = acc["figures"]
    total = Counter()
    for f in figures.values():
        total.update(f)
    injected = sum(c[k] for c in faults.values() for k in kinds)
    lines = [
        "# Reliability under faults",
        "",
        f"Generated by `make chaos` (`python -m tests.chaos`) on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. "
        "Do not edit by hand: run it again.",
        "",
        f"**The chaos run**: `python -m orchestration.run --start {args.start} --end {args.end}` (one Dagster run, "
        f"every platform, {len(days(args.start, args.end))} days) against the six sandbox platforms with fault "
        f"injection on (sandbox NOW {NOW.isoformat()}), in a network namespace with loopback only "
        f"(a connection beyond it: {probe}), time limit {TIME_LIMIT_S // 60} min: "
        f"**{'succeeded' if code == 0 else 'FAILED'} in {took:.0f} s**.",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| faults injected (requests refused, reset, cut short or left hanging) | {injected} |",
        f"| requests the pipeline made again (and got through) | {sum(c['http_retries'] for c in clients.values())} |",
        f"| steps Dagster ran again (a platform still refusing after the client's attempts) | "
        f"{sum(c['step_retries'] for c in clients.values())} |",
        f"| records in the ground truth (posts, comments, mentions) | {total['expected']} |",
        f"| landed in raw Parquet | {total['landed']} |",
        f"| quarantined, with their reason | {total['quarantined']} |",
        f"| not collected: replies under a quarantined post (its thread cannot be placed) | "
        f"{total['not_collected']} |",
        f"| **lost** | **{total['lost']}** |",
        f"| **duplicated** (raw partitions and marts) | **{total['duplicated']}** |",
        f"| quarantine rows (an undatable record is quarantined by every day whose pages show it) | "
        f"{sum(f['quarantine_rows'] for f in figures.values())} |",
        f"| of which records older than the measured days (a feed walked back past them) | "
        f"{len(acc['outside'])} distinct |",
        f"| mart figures (platform × brand × day × metric) compared with the ground truth | {acc.get('compared', 0)} |",
        f"| problems found (below) | {len(problems)} |",
        "",
        "## Faults injected, per platform",
        "",
        "| platform | requests | "
        + " | ".join(kinds)
        + " | client requests | client retries | step retries |",
        "| --- | ---: | " + " | ".join("---:" for _ in kinds) + " | ---: | ---: | ---: |",
    ]
    for platform in SUPPORTED:
        c, cl = faults[platform], clients.get(platform, Counter())
        lines.append(
            f"| {platform} | {c['requests']} | "
            + " | ".join(str(c[k]) for k in kinds)
            + f" | {cl['http_requests']} | {cl['http_retries']} | {cl['step_retries']} |"
        )
    lines += [
        "",
        "429: Too Many Requests with Retry-After (X: its reset header), in storms of 3 (Facebook, which "
        "throttles in minutes: single 429s, fewer); 500/502/503: server "
        "errors (502 as an HTML page); truncated: half the body, then the connection closes; reset: the "
        f"connection reset before any answer; slow: no answer before the client's {HTTP_TIMEOUT_S:.0f} s "
        "timeout. On top, in every answer: an unknown field added to every object, optional fields left "
        f"out ({', '.join(DROPPED)}), 0.2 % of records with unreadable timestamps (malformed) and 0.2 % with "
        "their integers as strings (a type change).",
        "",
        "## Records, per platform and entity (all days)",
        "",
        "| platform | entity | ground truth | landed | quarantined | not collected | lost | duplicated |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for platform in SUPPORTED:
        for entity in ENTITIES:
            t = Counter()
            for (pf, en, _), f in figures.items():
                if (pf, en) == (platform, entity):
                    t.update(f)
            lines.append(
                f"| {platform} | {entity} | {t['expected']} | {t['landed']} | {t['quarantined']} | "
                f"{t['not_collected']} | {t['lost']} | {t['duplicated']} |"
            )
    lines += [
        "",
        "## Quarantine reasons",
        "",
        "| platform | entity | reason | records |",
        "| --- | --- | --- | ---: |",
    ]
    for (platform, entity, reason), n in sorted(acc["reasons"].items()):
        lines.append(f"| {platform} | {entity} | {reason} | {n} |")
    lines += [
        "",
        "<details><summary>Every quarantine row (platform, entity, partition day, record id, reason)</summary>",
        "",
        "| platform | entity | day | record | reason |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {p} | {e} | {d} | `{r}` | {why[:120]} |" for p, e, d, r, why in acc["listed"]),
        "",
        "</details>",
    ]
    lines += ["", "## Checks", ""]
    lines += [f"- FAILED: {p}" for p in problems[:50]] or [
        "- every record of the ground truth is landed, quarantined or (a reply under a quarantined post) not "
        "collected: lost = 0;",
        "- no key twice in any raw partition, none in the marts' grains: duplicated = 0;",
        "- `community.fct_channel_daily` (posts, comments received, brand replies) and "
        "`competitors.fct_share_of_voice_daily` (mentions), per platform, brand and day, equal the ground "
        "truth of the statuses that landed;",
        "- every landed record is a status of the World (none invented).",
    ]
    lines += ["", INVENTORY]
    return "\n".join(lines) + "\n"


INVENTORY_ROWS = (
    (
        "every connector through connection resets, 429/5xx storms and a type change lands what a clean run "
        "lands; the rest is quarantined with its reason; a 429's Retry-After is waited once",
        "tests/unit/test_reliability_faults.py",
    ),
    (
        "schema drift (new fields, missing optional fields) and timeouts change nothing but the dropped "
        "fields; malformed records are quarantined",
        "tests/unit/test_sandbox_schema_drift.py",
    ),
    (
        "retries, back-off, Retry-After, rate-limit pacing, truncated bodies, clear errors naming platform "
        "and endpoint",
        "tests/unit/test_http_core.py",
    ),
    (
        "crash mid-write: a process writing a partition killed with SIGKILL leaves the previous version, "
        "readers never see the half-written file, the re-run completes it",
        "tests/unit/test_reliability_crash.py",
    ),
    (
        "bad input (invalid JSON, wrong types, timestamps out of range, non-UTF-8 bytes, a 1 MB text, quotes "
        "and SQL-looking text in brands and keywords): quarantined with its reason or a clear error; only "
        "the offending day fails, the others land",
        "tests/unit/test_bad_input.py",
    ),
    (
        "readers during publication never get an error or a mix of two versions",
        "tests/unit/test_reliability_readers.py, tests/end_to_end/test_bi_access.py",
    ),
    (
        "idempotence: one day run twice, a backfill run twice: identical published marts",
        "tests/end_to_end/test_pipeline.py, tests/end_to_end/test_backfills.py",
    ),
    (
        "security: credentials nowhere in logs, Dagster's event log, landing zone or Parquet; loopback by "
        "default; the published warehouse only opened read-only",
        "tests/unit/test_security.py",
    ),
    (
        "members of the public pseudonymous (keyed hash) in every mart; the key from the environment, "
        "required outside the sandbox",
        "tests/end_to_end/test_reliability.py, tests/unit/test_settings_and_secrets.py",
    ),
    (
        "a corrupted partition blocks publication, in its run and in later ones",
        "tests/end_to_end/test_pipeline.py",
    ),
)
INVENTORY = "\n".join(
    [
        "## What else is tested, and where",
        "",
        "Part of `make test` (unit tests of seconds, and tests on the shared end-to-end runs):",
        "",
        "| property | test |",
        "| --- | --- |",
        *(f"| {what} | {' '.join(f'`{t}`' for t in where.split(', '))} |" for what, where in INVENTORY_ROWS),
    ]
)


if __name__ == "__main__":
    sys.exit(main())
