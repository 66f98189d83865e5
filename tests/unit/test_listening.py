"""Intraday listening's pure parts: the evaluation grid, the rolling window and its baseline, the life of
an incident, business time against the SLA, the narrowed fetch window, the settings, delivery retries."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assets.brand_config import BusinessHours
from assets.ingest.records import day_bounds, fetch_since
from assets.listening.business_time import business_minutes_between, in_business_hours, past_sla
from assets.listening.config import ListeningConfig
from assets.listening.detect import MINUTE_MS, Negatives, grid_points, step_incident, window_at

UTC = dt.UTC
H = 60 * MINUTE_MS
DAY = 24 * H
T = int(dt.datetime(2026, 11, 19, 13, 0, tzinfo=UTC).timestamp() * 1000)


def test_grid_points_step_from_the_last_evaluated_to_now():
    assert grid_points(None, T + 7 * MINUTE_MS, 5, DAY) == [T + 5 * MINUTE_MS]
    assert grid_points(T, T + 17 * MINUTE_MS, 5, DAY) == [
        T + 5 * MINUTE_MS,
        T + 10 * MINUTE_MS,
        T + 15 * MINUTE_MS,
    ]
    assert grid_points(T, T + 4 * MINUTE_MS, 5, DAY) == []  # nothing new on the grid yet
    # after a long pause only the last max_back is evaluated
    assert len(grid_points(T - 30 * DAY, T, 5, DAY)) == DAY // (5 * MINUTE_MS) + 1


def _negatives(**times: list[int]) -> Negatives:
    return Negatives({p: sorted(ts) for p, ts in times.items()})


def test_the_window_counts_the_last_hour_against_the_known_trailing_days():
    cfg = ListeningConfig(baseline_days=3, k=3.0, min_negative=10)
    # 2 negatives in the hour before T on each of the 3 previous days, 12 now over two platforms
    past = [T - d * DAY - m * MINUTE_MS for d in (1, 2, 3) for m in (10, 20)]
    now = [T - m * MINUTE_MS for m in range(1, 9)]
    neg = _negatives(mastodon=past + now, bluesky=[T - 5 * MINUTE_MS] * 4 + [T])  # T itself is outside
    w = window_at(neg, T, cfg, known=lambda start, end: True)
    assert (w.volume, w.per_platform) == (12, {"mastodon": 8, "bluesky": 4})
    assert w.baseline == 2.0 and w.baseline_days == 3
    assert w.threshold == 10.0 and w.above  # k x 2 = 6 < the minimum
    # a busier past raises the threshold above the minimum
    busy = _negatives(mastodon=[T - d * DAY - m * MINUTE_MS for d in (1, 2, 3) for m in range(1, 6)] + now)
    assert window_at(busy, T, cfg, known=lambda s, e: True).threshold == 15.0
    # only the known days count; none known: no baseline, the minimum alone
    one = window_at(neg, T, cfg, known=lambda s, e: s >= T - DAY - H)
    assert (one.baseline, one.baseline_days) == (2.0, 1)
    unknown = window_at(neg, T, cfg, known=lambda s, e: False)
    assert (unknown.baseline, unknown.baseline_days, unknown.threshold) == (None, 0, 10.0)


def _window(at: int, volume: int, threshold: float = 10.0):
    from assets.listening.detect import Window

    return Window(at, volume, {"mastodon": volume}, 1.0, 7, threshold)


def test_an_incident_opens_once_grows_in_updates_and_closes_after_a_quiet_spell():
    cfg = ListeningConfig(growth_factor=1.5, close_after_minutes=30)
    inc, action = step_incident(None, _window(T, 9), cfg)
    assert (inc, action) == (None, None)
    steps = [(12, "open"), (15, None), (18, "update"), (20, None), (27, "update"), (8, None), (11, None)]
    steps += [(5, None), (4, None), (3, None), (2, None), (1, None), (0, None), (0, "close")]
    inc = None
    for i, (volume, expected) in enumerate(steps):
        inc, action = step_incident(inc, _window(T + i * 5 * MINUTE_MS, volume), cfg)
        assert action == expected, (i, volume, action)
    assert inc["status"] == "closed" and inc["peak_volume"] == 27 and inc["notified_volume"] == 27
    # the dip to 8 then back to 11 did not close it: below for 5 minutes only
    assert inc["closed_ms"] - inc["opened_ms"] == 13 * 5 * MINUTE_MS


PARIS = BusinessHours(days=("mon", "tue", "wed", "thu", "fri", "sat"), start=dt.time(8), end=dt.time(20))


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_business_minutes_skip_nights_and_sundays_in_the_brands_timezone():
    # Saturday 2026-11-21 19:00 Paris (18:00Z) to Monday 09:30 Paris (08:30Z): 60 + 90 minutes
    assert (
        business_minutes_between(_utc(2026, 11, 21, 18), _utc(2026, 11, 23, 8, 30), PARIS, "Europe/Paris")
        == 150
    )
    assert business_minutes_between(_utc(2026, 11, 23, 9), _utc(2026, 11, 23, 8), PARIS, "Europe/Paris") == 0
    assert in_business_hours(_utc(2026, 11, 23, 7), PARIS, "Europe/Paris")  # 08:00 Paris opens
    assert not in_business_hours(_utc(2026, 11, 23, 19), PARIS, "Europe/Paris")  # 20:00 closed
    assert not in_business_hours(_utc(2026, 11, 22, 12), PARIS, "Europe/Paris")  # Sunday


def test_past_sla_like_the_care_marts():
    created = _utc(2026, 11, 23, 9)  # Monday 10:00 Paris; 4 h SLA: deadline 14:00 Paris = 13:00Z
    assert not past_sla(created, _utc(2026, 11, 23, 13), 4, PARIS, "Europe/Paris")  # exactly at it, open
    assert past_sla(created, _utc(2026, 11, 23, 13, 1), 4, PARIS, "Europe/Paris")
    # a comment at 17:00 Paris: 3 h that day, its 4th hour runs out at 09:00 Paris on Tuesday
    late = _utc(2026, 11, 23, 16)
    assert not past_sla(late, _utc(2026, 11, 23, 23), 4, PARIS, "Europe/Paris")
    assert past_sla(late, _utc(2026, 11, 24, 8, 1), 4, PARIS, "Europe/Paris")
    # exactly the SLA used up at closing time, seen after closing: past (the deadline was the closing)
    at_close = _utc(2026, 11, 23, 15)  # 16:00 Paris, 4 h until 20:00
    assert past_sla(at_close, _utc(2026, 11, 23, 20), 4, PARIS, "Europe/Paris")


def test_fetch_since_narrows_the_day_window_only_inside_the_block():
    day = dt.date(2026, 11, 19)
    start, end = day_bounds(day)
    since = _utc(2026, 11, 19, 13, 7)
    with fetch_since(since):
        assert day_bounds(day) == (since, end)
        assert day_bounds(dt.date(2026, 11, 20)) == day_bounds(dt.date(2026, 11, 20))  # starts after since
        assert day_bounds(dt.date(2026, 11, 18))[0] == day_bounds(dt.date(2026, 11, 18))[1]  # empty
        with fetch_since(_utc(2026, 11, 19, 20)):
            assert day_bounds(day)[0] == _utc(2026, 11, 19, 20)
        assert day_bounds(day)[0] == since
    assert day_bounds(day) == (start, end)


def test_listening_settings_from_the_environment():
    from orchestration.settings import SettingsError, load_settings

    cfg = load_settings({}).listening
    assert (cfg.enabled, cfg.interval_minutes, cfg.k, cfg.min_negative, cfg.webhook_url) == (
        False,
        5,
        3.0,
        10,
        None,
    )
    cfg = load_settings(
        {
            "SOCIAL_LISTENING_ENABLED": "true",
            "SOCIAL_LISTENING_INTERVAL_MINUTES": "2",
            "SOCIAL_LISTENING_K": "4.5",
            "SOCIAL_LISTENING_PLATFORMS": "mastodon, x",
            "SOCIAL_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook",
        }
    ).listening
    assert (cfg.enabled, cfg.interval_minutes, cfg.k, cfg.platforms) == (True, 2, 4.5, ("mastodon", "x"))
    assert cfg.webhook_url == "http://127.0.0.1:9/hook"  # the run alerts' webhook unless its own is set
    with pytest.raises(SettingsError, match="SOCIAL_LISTENING"):
        load_settings({"SOCIAL_LISTENING_WINDOW_MINUTES": "0"})
    with pytest.raises(SettingsError, match="SOCIAL_LISTENING_K"):
        load_settings({"SOCIAL_LISTENING_K": "lots"})


class _Hook(BaseHTTPRequestHandler):
    got: list

    def do_POST(self):  # noqa: N802
        self.got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_undelivered_alert_is_kept_and_sent_in_order_once_the_webhook_answers(tmp_path):
    import socket

    from assets.listening.service import TickSummary, _deliver
    from assets.listening.store import Store

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there yet
    cfg = ListeningConfig(webhook_url=f"http://127.0.0.1:{port}/hook")
    with Store(tmp_path / "s.sqlite3") as store:
        for i, action in enumerate(("open", "update")):
            event = {
                "event_id": f"e{i}",
                "incident_id": "bad_buzz:brewbean:x",
                "kind": "bad_buzz",
                "action": action,
                "brand_id": "brewbean",
                "at_ms": T + i,
                "platforms": ["mastodon"],
                "summary": action,
                "payload": {"action": action},
            }
            store.add_event(event)
            store.add_event(event)  # the same event twice is kept once
        summary = TickSummary(dt.datetime.now(UTC))
        _deliver(store, cfg, T, summary)
        assert summary.delivered == 0 and "unreachable" in summary.delivery_error
        assert [e["delivered_to"] for e in store.events()] == [None, None]

        got: list = []
        server = ThreadingHTTPServer(("127.0.0.1", port), type("H", (_Hook,), {"got": got}))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            summary = TickSummary(dt.datetime.now(UTC))
            _deliver(store, cfg, T + 1, summary)
        finally:
            server.shutdown()
        assert [g["action"] for g in got] == ["open", "update"] and summary.delivered == 2
        assert [e["delivered_to"] for e in store.events()] == ["webhook", "webhook"]
        summary = TickSummary(dt.datetime.now(UTC))
        _deliver(store, cfg, T + 2, summary)
        assert summary.delivered == 0  # never twice


def test_the_daily_job_writes_the_empty_alerts_table_once_and_leaves_the_sensors_file_alone(tmp_path):
    import dagster as dg
    import duckdb
    import pyarrow.parquet as pq

    from assets.ingest.lake import Lake
    from assets.listening.alerts_table import ALERTS_COLUMNS, alerts_path, write_alerts
    from assets.listening.dagster_assets import ALERTS_KEY, listening_alerts
    from assets.listening.store import Store

    lake = Lake(str(tmp_path / "lake"))
    path = alerts_path(lake)

    def materialize() -> dict:
        result = dg.materialize([listening_alerts], resources={"lake": lake})
        assert result.success
        (event,) = result.get_asset_materialization_events()
        assert event.asset_key == ALERTS_KEY
        return {k: v.value for k, v in event.materialization.metadata.items()}

    # listening never ran: the empty table with its columns, which dbt's source glob can read
    first = materialize()
    assert first["written_by"].startswith("social_daily") and first["alert_events"] == 0
    assert pq.read_schema(path) == ALERTS_COLUMNS
    glob = f"{tmp_path}/lake/listening/alerts/*.parquet"
    assert duckdb.connect().execute(f"select count(*) from read_parquet('{glob}')").fetchone() == (0,)

    # the sensor wrote its events: the next daily run leaves them as they are
    with Store(tmp_path / "s.sqlite3") as store:
        store.add_event(
            {
                "event_id": "e1",
                "incident_id": "bad_buzz:brewbean:x",
                "kind": "bad_buzz",
                "action": "open",
                "brand_id": "brewbean",
                "at_ms": T,
                "platforms": ["mastodon"],
                "volume": 12,
                "baseline": 2.0,
                "threshold": 10.0,
                "summary": "bad buzz: Brewbean",
                "payload": {"action": "open"},
            }
        )
        write_alerts(lake, store.events())
    before = (tmp_path / "lake" / "listening" / "alerts" / "part-0.parquet").read_bytes()
    second = materialize()
    assert second["written_by"].startswith("unchanged") and second["alert_events"] == 1
    assert (tmp_path / "lake" / "listening" / "alerts" / "part-0.parquet").read_bytes() == before
