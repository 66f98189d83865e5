"""Publication: a new version folder, `current` switched atomically, older versions pruned."""

from __future__ import annotations

import json

import duckdb
import pytest

from assets.publish.warehouse import KEEP_VERSIONS, publish, published_db, read_manifest


def make_warehouse(path, rows: int):
    con = duckdb.connect(str(path))
    con.execute("create schema community; create schema staging")
    con.execute("create table community.fct_channel_daily as select range as posts from range(?)", [rows])
    con.execute("create table staging.stg_x as select 1 as x")  # not a mart: never published
    con.close()


def test_publishes_marts_only_with_parquet_and_a_manifest(tmp_path):
    wh = tmp_path / "dbt.duckdb"
    make_warehouse(wh, 3)
    pub = publish(wh, tmp_path / "pub", {"gate_status": "passed", "checks_passed": 7, "run_id": "r1"})
    assert pub.tables == {"community.fct_channel_daily": 3}
    con = duckdb.connect(str(published_db(tmp_path / "pub")), read_only=True)
    assert con.execute("select count(*) from community.fct_channel_daily").fetchone() == (3,)
    assert con.execute("select gate_status, checks_passed, run_id from _publication").fetchone() == (
        "passed",
        7,
        "r1",
    )
    with pytest.raises(duckdb.CatalogException):
        con.execute("select * from staging.stg_x")
    with pytest.raises(duckdb.Error):  # read-only: a BI tool cannot change the published copy
        con.execute("create table t as select 1")
    con.close()
    parquet = tmp_path / "pub/current/parquet/community__fct_channel_daily.parquet"
    assert duckdb.connect().execute(f"select count(*) from '{parquet}'").fetchone() == (3,)
    assert read_manifest(tmp_path / "pub")["tables"] == {"community.fct_channel_daily": 3}


def test_current_switches_to_the_new_version_and_old_ones_are_pruned(tmp_path):
    wh = tmp_path / "dbt.duckdb"
    make_warehouse(wh, 1)
    versions = []
    for _ in range(KEEP_VERSIONS + 2):
        versions.append(publish(wh, tmp_path / "pub", {}).version)
    current = (tmp_path / "pub/current").resolve()
    assert current.name == versions[-1]
    kept = sorted(p.name for p in (tmp_path / "pub/versions").iterdir())
    assert kept == sorted(versions[-KEEP_VERSIONS:])


def test_a_failed_publication_leaves_the_previous_one(tmp_path):
    wh = tmp_path / "dbt.duckdb"
    make_warehouse(wh, 2)
    first = publish(wh, tmp_path / "pub", {})
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="no mart tables"):
        publish(empty, tmp_path / "pub", {})
    assert (tmp_path / "pub/current").resolve().name == first.version
    assert [p.name for p in (tmp_path / "pub/versions").iterdir()] == [first.version]
    assert json.loads((tmp_path / "pub/current/manifest.json").read_text())["version"] == first.version
