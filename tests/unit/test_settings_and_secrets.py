"""Settings from the environment, the pseudonym key, and the sandbox the pipeline starts for itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from assets.brand_config import load_brand_config, parse_brand_config
from assets.ingest.platform_apis import PlatformApis, PlatformConfigError
from assets.ingest.pseudonyms import Pseudonymizer, PseudonymKeyError, pseudonymizer_from_env
from orchestration.settings import SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_give_the_offline_demo(tmp_path):
    s = load_settings({"SOCIAL_DATA_DIR": str(tmp_path)})
    assert s.platform_mode == "sandbox" and s.sandbox_urls == {}
    assert s.lake_url == str(tmp_path / "lake")
    assert s.warehouse_path == tmp_path / "state" / "warehouse" / "social.duckdb"
    assert s.publish_dir == tmp_path / "published"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SOCIAL_PLATFORM_MODE": "prod"},
            "SOCIAL_PLATFORM_MODE must be one of ('sandbox', 'live'), got 'prod'",
        ),
        ({"SOCIAL_SANDBOX_SEED": "x1"}, "SOCIAL_SANDBOX_SEED must be an integer, got 'x1'"),
        ({"SOCIAL_PARTITIONS_START": "2025/01/01"}, "SOCIAL_PARTITIONS_START must be a date YYYY-MM-DD"),
        ({"SOCIAL_QUARANTINE_MAX_SHARE": "two"}, "SOCIAL_QUARANTINE_MAX_SHARE must be a number"),
        ({"SOCIAL_SANDBOX_URLS": "mastodon:8787"}, "SOCIAL_SANDBOX_URLS: expected platform=http://host:port"),
    ],
)
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert message in str(err.value)


def test_pseudonyms_are_stable_keyed_and_do_not_show_the_key():
    a, b = Pseudonymizer("key-one"), Pseudonymizer("key-two")
    assert a("mastodon", "42") == a("mastodon", "42")
    assert a("mastodon", "42") != b("mastodon", "42") != a("bluesky", "42")
    assert a("mastodon", "42").startswith("p_")
    assert "key-one" not in repr(a)


def test_live_platforms_need_a_pseudonym_key():
    with pytest.raises(PseudonymKeyError, match="SOCIAL_PSEUDONYM_KEY is not set"):
        pseudonymizer_from_env({}, "live")
    assert pseudonymizer_from_env({}, "sandbox")(
        "mastodon", "1"
    )  # the simulated community has no real people
    assert pseudonymizer_from_env({"SOCIAL_PSEUDONYM_KEY": "k"}, "live")("mastodon", "1") == Pseudonymizer(
        "k"
    )("mastodon", "1")


def test_live_mode_without_credentials_fails_at_start_naming_every_variable():
    apis = PlatformApis(load_brand_config(REPO / "brands.yaml"), "live", env={"SOCIAL_PSEUDONYM_KEY": "k"})
    with pytest.raises(PlatformConfigError) as err:
        apis.check_live_credentials()
    assert str(err.value).endswith(
        "not set: MASTODON_BASE_URL, MASTODON_ACCESS_TOKEN, BLUESKY_HANDLE, BLUESKY_APP_PASSWORD, "
        "REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, X_BEARER_TOKEN, FACEBOOK_PAGE_ACCESS_TOKEN, YOUTUBE_API_KEY"
    )
    with pytest.raises(PlatformConfigError, match="MASTODON_ACCESS_TOKEN"):
        apis.connector("mastodon")


def test_live_mode_asks_only_for_the_platforms_brands_are_on():
    only_mastodon = parse_brand_config({"brands": {"acme": {"accounts": {"mastodon": "acme"}}}})
    env = {
        "SOCIAL_PSEUDONYM_KEY": "k",
        "MASTODON_BASE_URL": "https://m.example",
        "MASTODON_ACCESS_TOKEN": "t0k",
    }
    live = PlatformApis(only_mastodon, "live", env=env)
    live.check_live_credentials()
    http = live.connector("mastodon").http
    assert http.base_url == "https://m.example" and http.session.headers["Authorization"] == "Bearer t0k"
    live.close()


def test_with_no_platform_configured_the_run_starts_the_sandbox_on_loopback_and_stops_it():
    now = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
    apis = PlatformApis(
        load_brand_config(REPO / "brands.yaml"), "sandbox", sandbox_now=now.isoformat(), env={}
    )
    connector = apis.connector("mastodon")
    assert connector.http.base_url.startswith("http://127.0.0.1:")
    pages = connector.fetch_account_snapshots(dt.date(2026, 11, 19))
    assert {p.context["brand_id"] for p in pages} == {
        "brewbean",
        "roastco",
        "kaffeeklub",
        "velora",
        "pedalpro",
    }
    records, bad = connector.parse_account_snapshots(pages, dt.date(2026, 11, 19))
    assert bad == [] and len(records) == 5 and all(r["followers"] > 0 for r in records)
    # observed on the 20th (the sandbox's clock): too late to stand for the 18th
    assert connector.parse_account_snapshots(pages, dt.date(2026, 11, 18)) == ([], [])
    apis.close()
    with pytest.raises(requests.ConnectionError):  # the server is gone
        connector.http.session.get(connector.http.base_url + "/api/v1/instance", timeout=1)


def test_the_daily_schedule_runs_yesterday_and_refreshes_recent_posts():
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from orchestration.schedules import build_daily_schedule, daily_range

    job = dg.define_asset_job("j", selection=dg.AssetSelection.all())
    schedule = build_daily_schedule(job, "Europe/Paris", refresh_days=3)
    # 01:30 in Paris on a summer night is still the day before in UTC: the last complete UTC day is the 13th
    summer = dt.datetime(2026, 7, 15, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert daily_range(summer, 3) == (dt.date(2026, 7, 11), dt.date(2026, 7, 13))
    run = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=summer)).run_requests[0]
    assert run.tags[ASSET_PARTITION_RANGE_START_TAG] == "2026-07-11"
    assert run.tags[ASSET_PARTITION_RANGE_END_TAG] == "2026-07-13"
    assert run.tags["social/refetch"] == "posts" and run.run_key == "2026-07-13"
    winter = dt.datetime(2026, 1, 15, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert daily_range(winter, 1) == (dt.date(2026, 1, 14), dt.date(2026, 1, 14))


def test_refetch_tag_takes_all_or_some_entities():
    from assets.ingest.dagster_assets import refetches

    assert refetches({"social/refetch": "true"}, "mentions")
    assert refetches({"social/refetch": "posts"}, "posts") and not refetches(
        {"social/refetch": "posts"}, "mentions"
    )
    assert not refetches({}, "posts")
