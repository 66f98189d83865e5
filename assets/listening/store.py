"""The listening state: a small SQLite file under the state directory (one writer: the sensor's tick).

It holds what the detectors need between ticks and nothing the daily run reads: the poll cursors and the
stretch each has covered, the negative-or-not mentions seen (intraday, plus the trailing days' raw Parquet),
the latest snapshot of member comments and their answers, the incidents and every alert event.
SQLite rather than DuckDB: dashboards may read the file while the sensor writes (WAL), which DuckDB's
single-writer lock forbids.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

SCHEMA = """
create table if not exists cursors (
    platform text not null, entity text not null,
    covered_from_ms integer not null,  -- the poll cursors have covered [covered_from, cursor) without a gap
    cursor_ms integer not null,
    primary key (platform, entity)
);
create table if not exists mentions (
    platform text not null, mention_id text not null, brand_id text not null,
    created_ms integer not null, sentiment text, author_id text, text text, url text,
    engagement integer, source text not null,  -- intraday | raw
    primary key (platform, mention_id, brand_id)
);
create index if not exists mentions_by_time on mentions (brand_id, created_ms);
create table if not exists raw_days (platform text not null, day text not null, primary key (platform, day));
create table if not exists comments (
    platform text not null, comment_id text not null, brand_id text not null, post_id text not null,
    created_ms integer not null, author_id text, text text, first_reply_ms integer,
    primary key (platform, comment_id)
);
create table if not exists kv (key text primary key, value text not null);
create table if not exists incidents (
    incident_id text primary key, kind text not null, brand_id text not null, status text not null,
    opened_ms integer not null, updated_ms integer not null, closed_ms integer,
    peak_volume integer not null, notified_volume integer not null, below_since_ms integer,
    members text not null default '[]'  -- care: the comment keys already alerted
);
create table if not exists alert_events (
    seq integer primary key autoincrement, event_id text unique not null, incident_id text not null,
    kind text not null, action text not null, brand_id text not null,
    at_ms integer not null,  -- the moment the detector saw it (simulated time in the sandbox)
    platforms text not null, volume integer, baseline real, threshold real, summary text not null,
    payload text not null, delivered_to text, delivered_at_ms integer
);
"""


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key/value ----------------------------------------------------------------------------------

    def get(self, key: str, default: object = None) -> object:
        row = self.db.execute("select value from kv where key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def put(self, key: str, value: object) -> None:
        self.db.execute("insert or replace into kv values (?, ?)", (key, json.dumps(value)))

    # -- cursors ------------------------------------------------------------------------------------

    def cursor(self, platform: str, entity: str) -> tuple[int, int] | None:
        """(covered_from_ms, cursor_ms) or None before the first poll."""
        row = self.db.execute(
            "select covered_from_ms, cursor_ms from cursors where platform = ? and entity = ?",
            (platform, entity),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def advance(self, platform: str, entity: str, since_ms: int, until_ms: int) -> None:
        """Record a poll of [since, until): coverage stays contiguous only if it reached the old cursor."""
        old = self.cursor(platform, entity)
        covered_from = old[0] if old is not None and since_ms <= old[1] else since_ms
        self.db.execute(
            "insert or replace into cursors values (?, ?, ?, ?)", (platform, entity, covered_from, until_ms)
        )

    # -- mentions -----------------------------------------------------------------------------------

    def add_mentions(self, rows: list[tuple]) -> int:
        """rows: (platform, mention_id, brand_id, created_ms, sentiment, author_id, text, url, engagement,
        source). Returns how many were new."""
        before = self.db.total_changes
        self.db.execute("begin")
        self.db.executemany("insert or ignore into mentions values (?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.execute("commit")
        return self.db.total_changes - before

    def negatives(self, start_ms: int, end_ms: int) -> list[tuple[str, str, int]]:
        """(brand_id, platform, created_ms) of negative mentions in [start, end), oldest first."""
        return self.db.execute(
            "select brand_id, platform, created_ms from mentions where sentiment = 'negative' "
            "and created_ms >= ? and created_ms < ? order by created_ms",
            (start_ms, end_ms),
        ).fetchall()

    def examples(self, brand_id: str, start_ms: int, end_ms: int, n: int) -> list[dict]:
        rows = self.db.execute(
            "select platform, mention_id, created_ms, author_id, text, url, engagement from mentions "
            "where brand_id = ? and sentiment = 'negative' and created_ms >= ? and created_ms < ? "
            "order by coalesce(engagement, 0) desc, created_ms desc, mention_id limit ?",
            (brand_id, start_ms, end_ms, n),
        ).fetchall()
        keys = ("platform", "mention_id", "created_ms", "author_id", "text", "url", "engagement")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def raw_day_loaded(self, platform: str, day: str) -> bool:
        q = "select 1 from raw_days where platform = ? and day = ?"
        return self.db.execute(q, (platform, day)).fetchone() is not None

    def mark_raw_day(self, platform: str, day: str) -> None:
        self.db.execute("insert or ignore into raw_days values (?, ?)", (platform, day))

    def prune(self, before_ms: int) -> None:
        self.db.execute("delete from mentions where created_ms < ?", (before_ms,))

    # -- comments -----------------------------------------------------------------------------------

    def replace_comments(self, platform: str, rows: list[tuple]) -> None:
        """The platform's member comments as of its latest comments poll (each poll re-reads every thread).
        rows: (platform, comment_id, brand_id, post_id, created_ms, author_id, text, first_reply_ms)."""
        self.db.execute("begin")
        self.db.execute("delete from comments where platform = ?", (platform,))
        self.db.executemany("insert or replace into comments values (?,?,?,?,?,?,?,?)", rows)
        self.db.execute("commit")

    def open_comments(self, brand_id: str, now_ms: int) -> list[dict]:
        rows = self.db.execute(
            "select platform, comment_id, post_id, created_ms, author_id, text from comments "
            "where brand_id = ? and created_ms <= ? and (first_reply_ms is null or first_reply_ms > ?) "
            "order by created_ms, platform, comment_id",
            (brand_id, now_ms, now_ms),
        ).fetchall()
        keys = ("platform", "comment_id", "post_id", "created_ms", "author_id", "text")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- incidents and alert events ----------------------------------------------------------------

    def open_incident(self, kind: str, brand_id: str) -> dict | None:
        cur = self.db.execute(
            "select * from incidents where kind = ? and brand_id = ? and status = 'open'", (kind, brand_id)
        )
        row = cur.fetchone()
        return None if row is None else dict(zip([c[0] for c in cur.description], row, strict=True))

    def save_incident(self, inc: dict) -> None:
        cols = list(inc)
        self.db.execute(
            f"insert or replace into incidents ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
            [inc[c] for c in cols],
        )

    def add_event(self, event: dict) -> None:
        self.db.execute(
            "insert or ignore into alert_events (event_id, incident_id, kind, action, brand_id, at_ms, "
            "platforms, volume, baseline, threshold, summary, payload) values (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                event["event_id"],
                event["incident_id"],
                event["kind"],
                event["action"],
                event["brand_id"],
                event["at_ms"],
                json.dumps(event["platforms"]),
                event.get("volume"),
                event.get("baseline"),
                event.get("threshold"),
                event["summary"],
                json.dumps(event["payload"], ensure_ascii=False),
            ),
        )

    def undelivered(self) -> list[tuple[int, str, dict]]:
        rows = self.db.execute(
            "select seq, event_id, payload from alert_events where delivered_to is null order by seq"
        ).fetchall()
        return [(seq, eid, json.loads(p)) for seq, eid, p in rows]

    def mark_delivered(self, seq: int, where: str, at_ms: int) -> None:
        self.db.execute(
            "update alert_events set delivered_to = ?, delivered_at_ms = ? where seq = ?", (where, at_ms, seq)
        )

    def events(self) -> list[dict]:
        cur = self.db.execute(
            "select e.*, i.status as incident_status from alert_events e "
            "left join incidents i using (incident_id) order by e.seq"
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
