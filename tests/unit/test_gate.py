"""The gate's verdict on check states (the records themselves come from Dagster in the end-to-end tests)."""

from __future__ import annotations

import dagster as dg
import pytest

from assets.publish.gate import CheckState, GateClosed, require_open_gate


def state(
    asset: str, name: str, status: str, run_id: str | None = "abcdef123456", detail: str = ""
) -> CheckState:
    return CheckState(dg.AssetCheckKey(dg.AssetKey(asset.split("/")), name), status, run_id, detail)


def test_passed_and_warned_checks_open_the_gate():
    require_open_gate(
        [
            state("raw/mastodon/posts", "gx_suite", "passed"),
            state("raw/mastodon/posts", "freshness", "warned", detail="2 days old"),
        ]
    )


def test_every_failed_skipped_or_missing_check_is_named():
    states = [
        state("raw/mastodon/posts", "gx_suite", "passed"),
        state("raw/mastodon/posts", "quarantine_share", "failed", detail="3% quarantined"),
        state("warehouse/community/fct_channel_daily", "not_null_fct_channel_daily_date", "not_executed"),
        state("raw/mastodon/mentions", "gx_suite", "never_ran", run_id=None),
    ]
    with pytest.raises(GateClosed) as err:
        require_open_gate(states)
    text = err.value.description
    assert "3 of 4 upstream checks did not pass" in text
    assert "raw/mastodon/posts:quarantine_share failed (run abcdef12): 3% quarantined" in text
    assert "warehouse/community/fct_channel_daily:not_null_fct_channel_daily_date not_executed" in text
    assert "raw/mastodon/mentions:gx_suite never_ran" in text
    assert "raw/mastodon/posts:gx_suite" not in text
