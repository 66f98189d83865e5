"""The alerts table the dashboards read: every alert event (open, update, close) of the bad-buzz and
customer-care incidents, as one Parquet file in the lake, replaced whole after each tick that changed it.

    <lake>/listening/alerts/part-0.parquet

read_alerts(lake_url) gives it as a pyarrow Table (empty, with its columns, before the first alert).
ensure_alerts_table(lake) writes that empty table when the file does not exist yet: dbt's source over it
(models/staging/listening) must find a file even where listening never ran.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq

from assets.ingest.lake import Lake

ALERTS_COLUMNS = pa.schema(
    [
        ("event_id", pa.string()),
        ("incident_id", pa.string()),
        ("kind", pa.string()),  # bad_buzz | care_sla
        ("action", pa.string()),  # open | update | close
        ("brand_id", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),  # when the detector saw it
        ("platforms", pa.list_(pa.string())),
        ("volume", pa.int64()),  # bad buzz: negative mentions in the window; care: comments past SLA
        ("baseline", pa.float64()),  # bad buzz: the trailing days' mean for that window (NULL: unknown)
        ("threshold", pa.float64()),
        ("summary", pa.string()),
        ("incident_status", pa.string()),  # open | closed, now
        ("delivered_to", pa.string()),  # webhook | log | NULL (not delivered yet: retried next tick)
        ("delivered_at", pa.timestamp("us", tz="UTC")),
        ("payload", pa.string()),  # the alert as sent (JSON): examples, breached comments
    ]
)


def alerts_path(lake: Lake) -> str:
    return lake.path("listening", "alerts", "part-0.parquet")


def _ts(ms: int | None) -> dt.datetime | None:
    return None if ms is None else dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def write_alerts(lake: Lake, events: list[dict]) -> str:
    rows = [
        {
            "event_id": e["event_id"],
            "incident_id": e["incident_id"],
            "kind": e["kind"],
            "action": e["action"],
            "brand_id": e["brand_id"],
            "at": _ts(e["at_ms"]),
            "platforms": sorted(json.loads(e["platforms"])),
            "volume": e["volume"],
            "baseline": e["baseline"],
            "threshold": e["threshold"],
            "summary": e["summary"],
            "incident_status": e["incident_status"],
            "delivered_to": e["delivered_to"],
            "delivered_at": _ts(e["delivered_at_ms"]),
            "payload": e["payload"],
        }
        for e in events
    ]
    path = alerts_path(lake)
    with lake.atomic_open(path) as fh:
        pq.write_table(pa.Table.from_pylist(rows, schema=ALERTS_COLUMNS), fh)
    return path


def ensure_alerts_table(lake: Lake) -> tuple[str, bool]:
    """(path, written): the empty table with its columns when there is no file yet; an existing file, the
    sensor's, is left as it is. Should the sensor's first write land between the check and the rename, its
    events are not lost: they stay in the listening state and the next tick that changes them rewrites all."""
    path = alerts_path(lake)
    if lake.exists(path):
        return path, False
    with lake.atomic_open(path) as fh:
        pq.write_table(ALERTS_COLUMNS.empty_table(), fh)
    return path, True


def read_alerts(lake_url: str) -> pa.Table:
    lake = Lake(lake_url)
    path = alerts_path(lake)
    if not lake.exists(path):
        return ALERTS_COLUMNS.empty_table()
    with lake.fs.open(path, "rb") as fh:
        return pq.read_table(fh)
