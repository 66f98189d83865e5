"""Crash mid-write: a real process writing a raw partition is killed with SIGKILL in the middle of the write.
The previous version of the partition stays whole and is all a reader (DuckDB over the lake's glob, as dbt reads
it) sees; the re-run completes the partition, and the killed writer's leftover goes once it is stale."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from assets.ingest.lake import STALE_TMP_SECONDS, Lake
from assets.ingest.raw_writer import write_partition
from tests.unit.test_raw_writer import DAY, post

REPO = Path(__file__).resolve().parents[2]
# The writer: the project's own raw_writer, with enough posts that writing the file takes a while.
WRITER = """
import sys
from assets.ingest.lake import Lake
from assets.ingest.raw_writer import write_partition
from tests.unit.test_raw_writer import DAY, post
records = [post(f"new-{i}", text="x" * 200) for i in range(int(sys.argv[2]))]
print("ready", flush=True)
write_partition(Lake(sys.argv[1]), "mastodon", "posts", DAY, records)
print("done", flush=True)
"""


def folder_of(lake_root: Path) -> Path:
    return lake_root / "raw" / "mastodon" / "posts" / f"dt={DAY.isoformat()}"


def read_like_dbt(lake_root: Path) -> list[str]:
    glob = f"{lake_root}/raw/mastodon/posts/dt=*/*.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"select post_id from read_parquet('{glob}', hive_partitioning=true, union_by_name=true)"
        ).fetchall()
    return sorted(r[0] for r in rows)


def test_sigkill_while_writing_a_partition_leaves_the_previous_version_and_the_rerun_completes(tmp_path):
    lake = Lake(str(tmp_path))
    write_partition(lake, "mastodon", "posts", DAY, [post("old-1"), post("old-2")])
    folder = folder_of(tmp_path)
    previous = (folder / "part-0.parquet").read_bytes()

    n = 120_000
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), str(n)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert child.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 120
        # kill the moment the new file is being written (its temporary sibling exists)
        while not any(p.name.endswith(".tmp") for p in folder.iterdir()):
            assert child.poll() is None, "the writer finished before it could be killed: give it more rows"
            assert time.monotonic() < deadline
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()

    leftovers = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "killed after the write finished: nothing was interrupted"
    assert (folder / "part-0.parquet").read_bytes() == previous  # byte for byte
    assert read_like_dbt(tmp_path) == ["old-1", "old-2"]  # the half-written file is invisible to readers

    # the re-run of the day replaces the partition whole
    res = write_partition(lake, "mastodon", "posts", DAY, [post(f"new-{i}") for i in range(1000)])
    assert res.written == 1000
    assert pq.read_table(folder / "part-0.parquet").num_rows == 1000
    assert len(read_like_dbt(tmp_path)) == 1000
    assert all(p.exists() for p in leftovers)  # too young to tell from a writer still at work

    # an hour on, a re-write removes what the killed writer left
    old = time.time() - STALE_TMP_SECONDS - 60
    for p in leftovers:
        os.utime(p, (old, old))
    write_partition(lake, "mastodon", "posts", DAY, [post("again")])
    assert sorted(p.name for p in folder.iterdir()) == ["part-0.parquet"]
    assert read_like_dbt(tmp_path) == ["again"]
