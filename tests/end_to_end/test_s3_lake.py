"""The lake on S3: the real command-line run against a local S3-compatible server (moto's server mode).

`python -m orchestration.run` runs as a subprocess with SOCIAL_LAKE_URL=s3://..., its own data folder and
Dagster instance, and starts its own sandbox (frozen clock): the session's shared pipeline, its instance and
its environment are left alone. The endpoint and the (fake) credentials reach s3fs through the standard AWS
environment variables, as in production. Landing pages, raw Parquet, the quarantine, the reference tables
and the published Parquet must be on S3 and nothing on the local lake; the DuckDB files stay on local disk.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import World, ground_truth
from tests.end_to_end.conftest import NOW, REPO

pytestmark = pytest.mark.e2e

START, END = dt.date(2026, 11, 17), dt.date(2026, 11, 18)
BUCKET, PREFIX = "social-lake", "prod/lake"
CREDS = {"AWS_ACCESS_KEY_ID": "moto-test-key", "AWS_SECRET_ACCESS_KEY": "moto-test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3fs_for(endpoint: str):
    import s3fs

    # No region: moto's server rejects bucket creation with a location constraint for the default region.
    return s3fs.S3FileSystem(
        key=CREDS["AWS_ACCESS_KEY_ID"],
        secret=CREDS["AWS_SECRET_ACCESS_KEY"],
        endpoint_url=endpoint,
        skip_instance_cache=True,
        use_listings_cache=False,
    )


@pytest.fixture(scope="module")
def s3_run(s3_server, tmp_path_factory):
    """One CLI run over two days with the lake on S3: (fs, data dir, completed process, endpoint)."""
    fs = s3fs_for(s3_server)
    fs.mkdir(BUCKET)
    base = tmp_path_factory.mktemp("s3_lake")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SOCIAL_", "AWS_", "DAGSTER_")) and k not in ("BOTO_CONFIG",)
    }
    env.update(
        {
            "SOCIAL_LAKE_URL": f"s3://{BUCKET}/{PREFIX}",
            "SOCIAL_DATA_DIR": str(base),
            "DAGSTER_HOME": str(base / "dagster_home"),
            "SOCIAL_PLATFORM_MODE": "sandbox",
            "SOCIAL_SANDBOX_NOW": NOW.isoformat(),
            "GX_ANALYTICS_ENABLED": "False",
            "AWS_ENDPOINT_URL": s3_server,  # honoured by botocore, hence s3fs, in every process
            "AWS_CONFIG_FILE": str(base / "no-aws-config"),  # ignore any developer's ~/.aws
            "AWS_SHARED_CREDENTIALS_FILE": str(base / "no-aws-credentials"),
            **CREDS,
        }
    )
    (base / "dagster_home").mkdir()
    (base / "dagster_home" / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--start", START.isoformat(), "--end", END.isoformat()],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    print(proc.stdout[-1000:])  # the run's summary: its time and where the results are (pytest -s)
    return fs, base, proc, s3_server


def lake_files(fs, *parts: str) -> list[str]:
    """Every object under the lake's folder, relative to the lake root."""
    root = f"{BUCKET}/{PREFIX}"
    return sorted(p[len(root) + 1 :] for p in fs.find("/".join([root, *parts])))


def test_the_run_succeeds_with_the_lake_on_s3(s3_run):
    _, _, proc, _ = s3_run
    assert f"{START}..{END}" in proc.stdout and "succeeded" in proc.stdout
    assert f"s3://{BUCKET}/{PREFIX}" in proc.stdout
    assert CREDS["AWS_SECRET_ACCESS_KEY"] not in proc.stdout + proc.stderr


def test_landing_raw_and_quarantine_are_on_s3_per_platform_entity_and_day(s3_run):
    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED
    from assets.ingest.runner import ENTITIES

    fs, _, _, _ = s3_run
    config = load_brand_config(REPO / "brands.yaml")
    platforms = [p for p in SUPPORTED if config.accounts_on(p)]
    assert len(platforms) == 6
    objects = set(lake_files(fs))
    days = [START, END]
    for p in platforms:
        for e in ENTITIES:
            for d in days:
                assert f"landing/{p}/{e}/dt={d}/pages.ndjson.gz" in objects, (p, e, d)
                assert f"raw/{p}/{e}/dt={d}/part-0.parquet" in objects, (p, e, d)
                assert f"quarantine/{p}/{e}/dt={d}/part-0.parquet" in objects, (p, e, d)
    assert {f for f in objects if f.startswith("raw/reference/")} >= {"raw/reference/brands/part-0.parquet"}
    # No half-written object left behind by the atomic writes, and no day outside the range.
    assert not [f for f in objects if f.endswith(".tmp")]
    assert {f.split("dt=")[1][:10] for f in objects if "dt=" in f} == {d.isoformat() for d in days}


def test_published_parquet_is_on_s3_and_matches_the_local_published_warehouse(s3_run):
    import duckdb

    fs, base, _, endpoint = s3_run
    with fs.open(f"{BUCKET}/{PREFIX}/published/current.json", "rb") as fh:
        pointer = json.loads(fh.read())
    version = pointer["version"]
    assert pointer["gate_status"] == "passed"
    assert pointer["parquet_dir"] == f"s3://{BUCKET}/{PREFIX}/published/versions/{version}/parquet"
    on_s3 = set(lake_files(fs, "published", "versions", version, "parquet"))
    assert on_s3 == {
        f"published/versions/{version}/parquet/{t.replace('.', '__')}.parquet" for t in pointer["tables"]
    }

    # The DuckDB files stay on local disk: the published copy is the same version as on S3.
    local = base / "published" / "current"
    assert json.loads((local / "manifest.json").read_text())["version"] == version
    con = duckdb.connect(str(local / "warehouse.duckdb"), read_only=True)
    try:
        con.register_filesystem(s3fs_for(endpoint))
        for table in ("community.fct_channel_daily", "competitors.fct_share_of_voice_daily"):
            url = pointer["parquet_files"][table]
            assert pointer["tables"][table] > 0
            only_local = con.execute(f"select * from {table} except all select * from read_parquet('{url}')")
            only_s3 = con.execute(f"select * from read_parquet('{url}') except all select * from {table}")
            assert only_local.fetchall() == [] and only_s3.fetchall() == [], table
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == pointer["tables"][table]
    finally:
        con.close()


def test_marts_built_from_the_s3_lake_equal_the_sandbox_ground_truth(s3_run):
    import duckdb

    from assets.brand_config import load_brand_config
    from assets.ingest.platform_apis import SUPPORTED

    _, base, _, _ = s3_run
    config = load_brand_config(REPO / "brands.yaml")
    expected = {
        (r["platform"], r["brand_id"], r["day"]): r["value"]
        for p in SUPPORTED
        for r in ground_truth(World(config, seed=42, now=NOW, platform=p), START, END)
        if r["metric"] == "posts"
    }
    con = duckdb.connect(str(base / "published" / "current" / "warehouse.duckdb"), read_only=True)
    try:
        got = {
            (p, b, d.isoformat()): n
            for p, b, d, n in con.execute(
                "select platform, brand_id, date, sum(posts) from community.fct_channel_daily group by all"
            ).fetchall()
        }
    finally:
        con.close()
    assert sum(expected.values()) > 50
    assert {p for p, _, _ in got} == set(SUPPORTED)
    assert got == {k: expected.get(k, 0) for k in got}
    assert {k for k, v in expected.items() if v} <= set(got)


def test_nothing_of_the_lake_is_written_on_local_disk(s3_run):
    _, base, _, _ = s3_run
    assert not (base / "lake").exists()
    local = {p.relative_to(base).parts[0] for p in Path(base).rglob("*") if p.is_file()}
    # The local data folder holds only the DuckDB warehouse (state), the published copy and Dagster's records.
    assert local <= {"state", "published", "dagster_home"}, local
    assert not [p for p in Path(base).rglob("*") if p.name.endswith((".ndjson.gz",)) or "dt=" in p.name]
    assert (base / "state" / "warehouse" / "social.duckdb").exists()
