"""One tick of intraday listening: poll, detect, alert. Called by the intraday_listening sensor.

A tick polls every watched platform's mentions since its cursor (and its comment threads when their
cadence is due), loads the trailing days' negative mentions from raw Parquet once each day is there,
evaluates the bad-buzz window at every step since the last tick and the care SLA at `now`, records the
alert events, delivers those not yet delivered (in order; a failed delivery is retried next tick) and
rewrites the alerts table when it changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from assets.brand_config import BrandConfig
from assets.ingest.lake import Lake
from assets.ingest.raw_writer import raw_partition_dir
from assets.quality.alerts import AlertDeliveryError, deliver

from .alerts_table import write_alerts
from .business_time import business_minutes_between, in_business_hours, past_sla
from .config import ListeningConfig
from .detect import DAY_MS, MINUTE_MS, Negatives, grid_points, iso, step_incident, window_at
from .poll import poll_comments, poll_mentions
from .store import Store

log = logging.getLogger(__name__)


def state_path(state_dir: Path) -> Path:
    return Path(state_dir) / "listening" / "listening.sqlite3"


@dataclass
class TickSummary:
    now: dt.datetime
    polls: list = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # platform -> why its poll failed
    events: list[dict] = field(default_factory=list)  # alert events raised this tick
    delivered: int = 0
    delivery_error: str | None = None
    care: dict[str, list[dict]] = field(default_factory=dict)  # brand -> comments past SLA (in hours)
    alerts_table: str | None = None  # the alerts table's path when this tick rewrote it
    alerts_rows: int = 0  # its rows (alert events) then

    def text(self) -> str:
        mentions = sum(p.new for p in self.polls if p.entity == "mentions")
        comments = [p.platform for p in self.polls if p.entity == "comments"]
        parts = [f"{iso(int(self.now.timestamp() * 1000))}: {mentions} new mentions"]
        if comments:
            parts.append(f"comments re-read on {', '.join(comments)}")
        parts.append(f"{len(self.events)} alert events, {self.delivered} delivered")
        if self.errors:
            parts.append("failed: " + "; ".join(f"{p}: {e}" for p, e in self.errors.items()))
        if self.delivery_error:
            parts.append(f"delivery: {self.delivery_error} (retried next tick)")
        return ", ".join(parts)


def _event_id(incident_id: str, action: str, at_ms: int) -> str:
    return hashlib.sha256(f"{incident_id}|{action}|{at_ms}".encode()).hexdigest()[:20]


def run_tick(
    config: BrandConfig,
    cfg: ListeningConfig,
    connector_for: Callable[[str], object],
    platforms: list[str],
    lake: Lake,
    state_dir: Path,
    now: dt.datetime,
) -> TickSummary:
    now = now.astimezone(dt.UTC)
    now_ms = int(now.timestamp() * 1000)
    summary = TickSummary(now)
    minutes = dt.timedelta(minutes=1)
    with Store(state_path(state_dir)) as store:
        watched = []
        for platform in platforms:
            try:
                connector = connector_for(platform)
                summary.polls.append(
                    poll_mentions(
                        connector,
                        lake,
                        store,
                        now,
                        cfg.window_minutes * minutes,
                        cfg.overlap_minutes * minutes,
                        dt.timedelta(hours=cfg.max_catchup_hours),
                    )
                )
                watched.append(platform)
                last = store.get(f"comments_polled_ms/{platform}")
                due = last is None or now_ms - last >= cfg.comments_every_minutes * MINUTE_MS
                if cfg.comments_every_minutes and due:
                    summary.polls.append(poll_comments(connector, lake, store, now))
            except Exception as exc:  # one platform down must not silence the others
                log.exception("intraday poll of %s failed", platform)
                summary.errors[platform] = f"{type(exc).__name__}: {exc}"[:300]

        points = grid_points(store.get("evaluated_ms"), now_ms, cfg.step_minutes, DAY_MS)
        if watched and points:
            _detect_buzz(config, cfg, store, lake, watched, points, now_ms, summary)
            store.put("evaluated_ms", points[-1])
        if cfg.comments_every_minutes:
            _care(config, cfg, store, now, summary)
        store.prune(now_ms - (cfg.baseline_days + 2) * DAY_MS - cfg.window_minutes * MINUTE_MS)
        _deliver(store, cfg, now_ms, summary)
        if summary.events or summary.delivered:
            events = store.events()
            summary.alerts_table = write_alerts(lake, events)
            summary.alerts_rows = len(events)
    return summary


# -- bad buzz -------------------------------------------------------------------------------------------


def _load_raw_days(store: Store, lake: Lake, platform: str, days: list[dt.date]) -> None:
    """The trailing days' mentions from raw Parquet (the daily run's), once each partition exists."""
    for day in days:
        if store.raw_day_loaded(platform, day.isoformat()):
            continue
        path = f"{raw_partition_dir(lake, platform, 'mentions', day)}/part-0.parquet"
        if not lake.exists(path):
            continue
        with lake.fs.open(path, "rb") as fh:
            table = pq.read_table(fh)
        rows = []
        for r in table.to_pylist():
            rows.append(
                (
                    platform,
                    str(r["mention_id"]),
                    r["matched_brand"],
                    int(r["created_at"].timestamp() * 1000),
                    r.get("sentiment"),
                    r.get("author_id"),
                    r.get("text"),
                    r.get("url"),
                    (r.get("like_count") or 0) + (r.get("share_count") or 0),
                    "raw",
                )
            )
        store.add_mentions(rows)
        store.mark_raw_day(platform, day.isoformat())


def _detect_buzz(config, cfg, store, lake, watched, points, now_ms, summary) -> None:
    width = cfg.window_minutes * MINUTE_MS
    earliest = points[0] - width - cfg.baseline_days * DAY_MS
    today = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC).date()
    day = dt.datetime.fromtimestamp(earliest / 1000, dt.UTC).date()
    past_days = [day + dt.timedelta(days=i) for i in range((today - day).days)]  # complete days only
    for platform in watched:
        _load_raw_days(store, lake, platform, past_days)
    cursors = {p: store.cursor(p, "mentions") for p in watched}
    raw_days = {p: {d for d in past_days if store.raw_day_loaded(p, d.isoformat())} for p in watched}

    def known(start: int, end: int) -> bool:
        first = dt.datetime.fromtimestamp(start / 1000, dt.UTC).date()
        last = dt.datetime.fromtimestamp((end - 1) / 1000, dt.UTC).date()
        days = {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}
        for p in watched:
            covered = cursors[p] is not None and cursors[p][0] <= start and end <= cursors[p][1]
            if not covered and not days <= raw_days[p]:
                return False
        return True

    negatives: dict[str, Negatives] = {bid: Negatives() for bid in config.brands}
    for bid, platform, ms in store.negatives(earliest, now_ms + 1):
        if bid in negatives and platform in watched:
            negatives[bid].by_platform.setdefault(platform, []).append(ms)
    for bid, brand in config.brands.items():
        incident = store.open_incident("bad_buzz", bid)
        for at in points:
            w = window_at(negatives[bid], at, cfg, known)
            after, action = step_incident(incident, w, cfg)
            if action is None:
                incident = after
                if after is not None:
                    store.save_incident(after)
                continue
            if action == "open":
                after["incident_id"] = f"bad_buzz:{bid}:{iso(at)}"
                after.update(kind="bad_buzz", brand_id=bid, members="[]")
            examples = store.examples(bid, at - width, at, cfg.examples)
            payload = {
                "kind": "bad_buzz",
                "action": action,
                "incident_id": after["incident_id"],
                "brand_id": bid,
                "brand_name": brand.name,
                "at": iso(at),
                "window_minutes": cfg.window_minutes,
                "platforms": w.per_platform,
                "volume": w.volume,
                "peak_volume": after["peak_volume"],
                "baseline": None if w.baseline is None else round(w.baseline, 2),
                "baseline_days": w.baseline_days,
                "threshold": w.threshold,
                "opened_at": iso(after["opened_ms"]),
                "examples": [
                    {
                        "platform": e["platform"],
                        "author": e["author_id"],  # a pseudonym for members of the public
                        "text": e["text"],
                        "url": e["url"],
                        "created_at": iso(e["created_ms"]),
                    }
                    for e in examples
                ],
            }
            verb = {"open": "bad buzz", "update": "bad buzz growing", "close": "bad buzz over"}[action]
            baseline = "unknown" if w.baseline is None else f"{w.baseline:.1f}"
            payload["summary"] = (
                f"{verb}: {brand.name}, {w.volume} negative mentions in the last {cfg.window_minutes} min "
                f"(baseline {baseline}, threshold {w.threshold:g}) on {', '.join(sorted(w.per_platform)) or '-'}"
            )
            event = {
                "event_id": _event_id(after["incident_id"], action, at),
                "incident_id": after["incident_id"],
                "kind": "bad_buzz",
                "action": action,
                "brand_id": bid,
                "at_ms": at,
                "platforms": sorted(w.per_platform),
                "volume": w.volume,
                "baseline": w.baseline,
                "threshold": w.threshold,
                "summary": payload["summary"],
                "payload": payload,
            }
            store.save_incident(after)
            store.add_event(event)
            summary.events.append(event)
            incident = after if after["status"] == "open" else None


# -- customer care ---------------------------------------------------------------------------------------


def _care(config: BrandConfig, cfg: ListeningConfig, store: Store, now: dt.datetime, summary) -> None:
    """Per brand with an SLA, inside its business hours: the member comments still unanswered past it."""
    now_ms = int(now.timestamp() * 1000)
    for bid, brand in config.brands.items():
        hours = brand.business_hours
        if brand.sla_hours is None or hours is None or not in_business_hours(now, hours, brand.timezone):
            continue  # no SLA, or the care team is not at work: nothing to tell now
        breaches = []
        for c in store.open_comments(bid, now_ms):
            created = dt.datetime.fromtimestamp(c["created_ms"] / 1000, dt.UTC)
            if past_sla(created, now, brand.sla_hours, hours, brand.timezone):
                minutes = business_minutes_between(created, now, hours, brand.timezone)
                breaches.append(
                    {
                        "platform": c["platform"],
                        "comment_id": c["comment_id"],
                        "post_id": c["post_id"],
                        "author": c["author_id"],
                        "created_at": iso(c["created_ms"]),
                        "business_minutes_waiting": round(minutes, 1),
                        "text": c["text"],
                    }
                )
        summary.care[bid] = breaches
        _care_incident(store, cfg, bid, brand, breaches, now_ms, summary)


def _care_incident(store, cfg, bid, brand, breaches, now_ms, summary) -> None:
    incident = store.open_incident("care_sla", bid)
    keys = sorted(f"{b['platform']}:{b['comment_id']}" for b in breaches)
    if incident is None and not breaches:
        return
    if incident is None:
        action = "open"
        incident = {
            "incident_id": f"care_sla:{bid}:{iso(now_ms)}",
            "kind": "care_sla",
            "brand_id": bid,
            "status": "open",
            "opened_ms": now_ms,
            "updated_ms": now_ms,
            "closed_ms": None,
            "peak_volume": len(keys),
            "notified_volume": len(keys),
            "below_since_ms": None,
            "members": json.dumps(keys),
        }
    elif not breaches:
        action = "close"
        incident.update(status="closed", closed_ms=now_ms, updated_ms=now_ms)
    else:
        alerted = set(json.loads(incident["members"]))
        incident["peak_volume"] = max(incident["peak_volume"], len(keys))
        if set(keys) <= alerted:
            store.save_incident(incident)
            return  # nothing new past its SLA: no repeat
        action = "update"
        incident.update(
            members=json.dumps(sorted(alerted | set(keys))), updated_ms=now_ms, notified_volume=len(keys)
        )
    platforms = sorted({b["platform"] for b in breaches})
    text = {
        "open": f"{len(keys)} comment(s) unanswered past the {brand.sla_hours:g} h SLA",
        "update": f"{len(keys)} comment(s) now unanswered past the {brand.sla_hours:g} h SLA",
        "close": "every comment past its SLA has been answered",
    }[action]
    payload = {
        "kind": "care_sla",
        "action": action,
        "incident_id": incident["incident_id"],
        "brand_id": bid,
        "brand_name": brand.name,
        "at": iso(now_ms),
        "sla_hours": brand.sla_hours,
        "platforms": platforms,
        "volume": len(keys),
        "breaches": breaches,
        "summary": f"customer care, {brand.name}: {text}",
    }
    event = {
        "event_id": _event_id(incident["incident_id"], action, now_ms),
        "incident_id": incident["incident_id"],
        "kind": "care_sla",
        "action": action,
        "brand_id": bid,
        "at_ms": now_ms,
        "platforms": platforms,
        "volume": len(keys),
        "summary": payload["summary"],
        "payload": payload,
    }
    store.save_incident(incident)
    store.add_event(event)
    summary.events.append(event)


# -- delivery --------------------------------------------------------------------------------------------


def _deliver(store: Store, cfg: ListeningConfig, now_ms: int, summary: TickSummary) -> None:
    for seq, _, payload in store.undelivered():
        try:
            where = deliver(payload, cfg.webhook_url)
        except AlertDeliveryError as exc:
            summary.delivery_error = str(exc)
            return  # keep the order: later events wait for this one
        store.mark_delivered(seq, where, now_ms)
        summary.delivered += 1
