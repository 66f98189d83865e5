"""The gate's verdict on check states (the records themselves come from Dagster in the end-to-end tests)."""

from __future__ import annotations

import dagster as dg
import pytest

from assets.publish.gate import CheckState, GateClosed, require_open_gate, waiting_only


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


def test_only_results_still_to_come_from_another_run_are_worth_waiting_for():
    pending = state(
        "warehouse/community/fct_posts", "gx_suite", "pending", detail="its run rebuilt the warehouse"
    )
    passed = state("raw/x/posts", "gx_suite", "passed")
    failed = state("raw/x/posts", "quarantine_share", "failed")
    assert waiting_only([passed, pending])
    assert not waiting_only([passed, pending, failed])  # a failure is not waited out: the gate stays closed
    assert not waiting_only([passed])
    with pytest.raises(GateClosed, match="pending"):  # and once the wait is over, it is named
        require_open_gate([passed, pending])
