"""Canonical records -> raw Parquet, one file per platform, entity and day, replaced atomically.

Records are validated against the canonical schema first; a record that does not fit is quarantined
with its reason (nothing is dropped silently), and the counts add up: written + quarantined = received.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from .lake import Lake
from .schemas import ENTITY_KEYS, ENTITY_SCHEMAS, ENTITY_TIME, QUARANTINE, SCORED_ENTITIES
from .sentiment import enrich as enrich_sentiment

MAX_TEXT_CHARS = 100_000  # far above any platform's limit: longer means a broken record
ROW_GROUP_SIZE = 128_000
COUNT_COLUMNS = (
    "like_count",
    "share_count",
    "reply_count",
    "view_count",
    "author_followers",
    "followers",
    "following",
    "posts_count",
)


@dataclass
class WriteResult:
    received: int
    written: int
    quarantined: int
    duplicates: int  # the same key twice in one day: the later copy wins, the count says how many
    path: str
    reasons: dict[str, int]


def raw_partition_dir(lake: Lake, platform: str, entity: str, day: dt.date) -> str:
    return lake.path("raw", platform, entity, f"dt={day.isoformat()}")


def quarantine_partition_dir(lake: Lake, platform: str, entity: str, day: dt.date) -> str:
    return lake.path("quarantine", platform, entity, f"dt={day.isoformat()}")


_CHECKS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]] = {}


def _column_checks(entity: str) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]:
    """(count columns, (column, is a list) of the text and list-of-text columns in schema order) of an
    entity, read from pyarrow once rather than per record (that was most of validation's time)."""
    if entity not in _CHECKS:
        schema = ENTITY_SCHEMAS[entity]
        _CHECKS[entity] = (
            tuple(c for c in COUNT_COLUMNS if c in schema.names),
            tuple(
                (f.name, pa.types.is_list(f.type))
                for f in schema
                if pa.types.is_list(f.type) or pa.types.is_string(f.type)
            ),
        )
    return _CHECKS[entity]


def validate_record(entity: str, rec: dict, day: dt.date) -> str | None:
    """The reason a record cannot land in the day's partition, or None when it is good."""
    counts, typed = _column_checks(entity)
    for key in ENTITY_KEYS[entity]:
        if rec.get(key) in (None, ""):
            return f"missing {key}"
    t = rec.get(ENTITY_TIME[entity])
    if t is None:
        return f"missing {ENTITY_TIME[entity]}"
    t_day = t.astimezone(dt.UTC).date() if isinstance(t, dt.datetime) else t
    if t_day != day:
        return f"{ENTITY_TIME[entity]} {t.isoformat()} is outside the partition day {day.isoformat()}"
    for col in counts:
        v = rec.get(col)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int):
            return f"{col} is not an integer: {v!r}"
        if v < 0:
            return f"{col} is negative: {v}"
    for col, is_list in typed:
        v = rec.get(col)
        if v is None:
            continue
        if is_list and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            return f"{col} is not a list of strings: {str(v)[:80]!r}"
        if not is_list and not isinstance(v, str):
            return f"{col} is not text: {str(v)[:80]!r}"
    text = rec.get("text")
    if text is not None and len(text) > MAX_TEXT_CHARS:
        return f"text is {len(text)} characters, over the {MAX_TEXT_CHARS} limit"
    return None


def write_partition(
    lake: Lake,
    platform: str,
    entity: str,
    day: dt.date,
    records: Iterable[dict],
    quarantined: Iterable[dict] = (),
) -> WriteResult:
    """Validate, de-duplicate and write one day's records; quarantine the rest with their reasons.

    `quarantined` holds records the parser already rejected: {record_id, reason, record, source_url}.
    """
    schema = ENTITY_SCHEMAS[entity]
    now = dt.datetime.now(dt.UTC)
    good: dict[tuple, dict] = {}
    bad = [dict(q) for q in quarantined]
    received = len(bad)
    duplicates = 0
    for rec in records:
        received += 1
        reason = validate_record(entity, rec, day)
        if reason:
            bad.append(
                {"record_id": _record_id(entity, rec), "reason": reason, "record": rec, "source_url": None}
            )
            continue
        key = tuple(rec[k] for k in ENTITY_KEYS[entity])
        duplicates += key in good
        good[key] = rec
    rows = [{**{c: r.get(c) for c in schema.names}, "ingested_at": now} for r in good.values()]
    if entity in SCORED_ENTITIES:
        # Every connector's records, fetched or re-derived from the landing zone, pass here: scored once.
        enrich_sentiment(rows)
    try:
        table = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(
            f"raw/{platform}/{entity} {day}: records do not fit the canonical schema: {exc}"
        ) from exc
    table = table.sort_by([(k, "ascending") for k in ENTITY_KEYS[entity]])

    folder = raw_partition_dir(lake, platform, entity, day)
    path = f"{folder}/part-0.parquet"
    with lake.atomic_open(path) as fh:
        pq.write_table(table, fh, compression="zstd", row_group_size=ROW_GROUP_SIZE)
    lake.replace_dir_files(folder, keep={"part-0.parquet"})
    _write_quarantine(lake, platform, entity, day, bad, now)
    reasons: dict[str, int] = {}
    for b in bad:
        short = b["reason"].split(":")[0]
        reasons[short] = reasons.get(short, 0) + 1
    return WriteResult(received, len(rows), len(bad), duplicates, path, reasons)


def _write_quarantine(lake: Lake, platform: str, entity: str, day: dt.date, bad: list[dict], now) -> None:
    folder = quarantine_partition_dir(lake, platform, entity, day)
    path = f"{folder}/part-0.parquet"
    rows = [
        {
            "platform": platform,
            "entity": entity,
            "record_id": None if b.get("record_id") is None else str(b["record_id"]),
            "reason": b["reason"],
            "record": b["record"] if isinstance(b["record"], str) else json.dumps(b["record"], default=str),
            "source_url": b.get("source_url"),
            "ingested_at": now,
        }
        for b in bad
    ]
    # Always written, even empty, so a re-run that fixed the day also clears its old quarantine.
    with lake.atomic_open(path) as fh:
        pq.write_table(pa.Table.from_pylist(rows, schema=QUARANTINE), fh, compression="zstd")


def _record_id(entity: str, rec: dict) -> str | None:
    key = ENTITY_KEYS[entity][1]
    return None if rec.get(key) is None else str(rec[key])


def write_reference(lake: Lake, name: str, rows: list[dict], schema: pa.Schema) -> str:
    path = lake.path("raw", "reference", name, "part-0.parquet")
    with lake.atomic_open(path) as fh:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), fh)
    return path
