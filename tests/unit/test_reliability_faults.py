"""The sandbox's harsher faults against every connector, over real HTTP on loopback: connections reset before
any answer, storms of 429 (with Retry-After) and 5xx, and a type change (integer fields served as strings).
What lands is what a clean run lands, record for record; what does not is quarantined with its reason."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from assets.ingest.lake import Lake
from assets.ingest.platform_apis import SUPPORTED
from assets.ingest.raw_writer import write_partition
from assets.ingest.schemas import ENTITY_KEYS
from sandbox import FaultConfig
from tests.unit.test_sandbox_schema_drift import DAY, ENTITIES, records


def key(entity: str, rec: dict) -> tuple:
    return tuple(rec[k] for k in ENTITY_KEYS[entity])


def test_a_storm_repeats_refusals_for_its_length_and_stays_deterministic():
    calm = FaultConfig(seed=11, rate_429=0.05)
    stormy = FaultConfig(seed=11, rate_429=0.05, storm_length=4)
    starts = [n for n in range(1, 2000) if calm.fault_for(n) == "429"]
    assert starts
    for n in starts:
        assert all(stormy.fault_for(n + i) == "429" for i in range(4))
    hit = sum(stormy.fault_for(n) is not None for n in range(1, 2000))
    assert len(starts) < hit <= 4 * len(starts)
    assert [stormy.fault_for(n) for n in range(1, 300)] == [stormy.fault_for(n) for n in range(1, 300)]
    with pytest.raises(ValueError, match="storm_length must be at least 1"):
        FaultConfig(storm_length=0)


def test_after_waiting_a_429s_retry_after_the_client_does_not_wait_again_for_the_same_refusal():
    from assets.ingest.http_core import HttpCore
    from tests.support.scripted_server import ScriptedServer

    sleeps: list[float] = []
    refusal = {"Retry-After": "1", "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0"}
    refusal["X-RateLimit-Reset"] = "2100-01-01T00:00:00Z"  # the window's end, long after Retry-After
    ok = (200, {"Content-Type": "application/json"}, b"{}")
    with ScriptedServer([(429, refusal, b"{}"), ok, ok]) as s:
        http = HttpCore("mastodon", s.url, rate_limit_style="iso", sleep=sleeps.append)
        http.get("/a")
        http.get("/b")
    assert sleeps == [1.0]  # Retry-After once, no pacing until the window's end on top


def test_a_retyped_record_has_its_integers_as_strings_and_nothing_else_changes():
    faults = FaultConfig(seed=1, retyped_records=1.0)
    status = {
        "id": "7",
        "favourites_count": 3,
        "sensitive": False,
        "created_at": 5,
        "public_metrics": {"like_count": 4},
        "account": {"id": "9", "followers_count": 10},
    }
    out = faults.break_records(status)
    assert out["favourites_count"] == "3" and out["public_metrics"] == {"like_count": "4"}
    assert out["sensitive"] is False and out["created_at"] == 5  # booleans and times are not counts
    assert out["account"]["followers_count"] == "10"  # a nested record with an id is drawn on its own id


@pytest.mark.parametrize("platform", SUPPORTED)
def test_resets_storms_and_a_type_change_lose_nothing_silently(platform, tmp_path):
    clean = records(platform, FaultConfig())
    faults = FaultConfig(
        seed=23,
        rate_429=0.04,
        rate_503=0.03,
        rate_reset=0.08,
        storm_length=3,
        retry_after_seconds=0,
        retyped_records=0.2,
    )
    chaos = records(platform, faults, keep_bad=True)
    assert chaos["retries"] > 0  # refused, reset and retried requests were made again
    lake = Lake(str(tmp_path))
    for entity in ("posts", "comments", "mentions"):
        assert chaos[f"{entity}_quarantined"] == [], entity  # the parser read every record
        res = write_partition(lake, platform, entity, DAY, chaos[entity])
        assert res.received == len(clean[entity]) and res.duplicates == 0, entity
        assert res.written + res.quarantined == res.received, entity
        landed = pq.read_table(f"{tmp_path}/raw/{platform}/{entity}/dt={DAY}/part-0.parquet")
        written = {key(entity, r) for r in landed.to_pylist()}
        by_key = {key(entity, r): r for r in clean[entity]}
        for rec in chaos[entity]:
            if key(entity, rec) in written:  # landed: exactly what the clean run reads
                assert {k: v for k, v in rec.items() if k != "url"} == {
                    k: v for k, v in by_key[key(entity, rec)].items() if k != "url"
                }, (entity, key(entity, rec))
        quarantine = pq.read_table(f"{tmp_path}/quarantine/{platform}/{entity}/dt={DAY}/part-0.parquet")
        reasons = quarantine.column("reason").to_pylist()
        assert all(" is not an integer: '" in r for r in reasons), reasons[:3]
        if platform == "youtube":
            assert reasons == []  # YouTube's counts are decimal strings already: read as such
    assert sum(len(clean[e]) for e in ENTITIES) > 10


def test_the_read_timeout_comes_from_the_environment_and_a_bad_one_is_named():
    from pathlib import Path

    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import PlatformApis, PlatformConfigError

    config = load_brand_config(Path(__file__).resolve().parents[2] / "brands.yaml")
    urls = {"mastodon": "http://127.0.0.1:9"}  # never called: the client is only built
    assert (
        PlatformApis(config, "sandbox", sandbox_urls=urls, env={}).connector("mastodon").http.timeout[1] == 30
    )
    apis = PlatformApis(config, "sandbox", sandbox_urls=urls, env={"SOCIAL_HTTP_TIMEOUT_SECONDS": "4"})
    assert apis.connector("mastodon").http.timeout == (5.0, 4.0)
    for bad in ("soon", "0", "-1"):
        with pytest.raises(
            PlatformConfigError, match=f"SOCIAL_HTTP_TIMEOUT_SECONDS must be a positive number, got '{bad}'"
        ):
            PlatformApis(
                config, "sandbox", sandbox_urls=urls, env={"SOCIAL_HTTP_TIMEOUT_SECONDS": bad}
            ).connector("mastodon")
