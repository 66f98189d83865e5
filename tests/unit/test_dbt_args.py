from __future__ import annotations

import datetime as dt
import json

import pytest

from assets.transform.dbt_assets import dbt_build_args, dbt_vars_for_range


def test_a_partition_range_is_one_dbt_build_with_inclusive_bounds():
    args = dbt_build_args(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {"start_date": "2026-10-01", "end_date": "2026-10-31"}
    # unit tests of the SQL run in the test suite, not in production runs
    assert args[3:] == ["--exclude-resource-type", "unit_test"]


def test_one_day():
    assert dbt_vars_for_range(dt.date(2026, 1, 5), dt.date(2026, 1, 5)) == {
        "start_date": "2026-01-05",
        "end_date": "2026-01-05",
    }


def test_reversed_range_is_refused():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        dbt_vars_for_range(dt.date(2026, 1, 5), dt.date(2026, 1, 4))
