"""Readers during publication: a BI reader in another process queries the published warehouse in a loop while
publications follow one another, alternating between two different dbt warehouses, so that a reader that
mixed two versions would show it. It never gets an error, and every read is one version whole: its
`_publication` row and every table (DuckDB file and Parquet files alike) come from the same source.

tests/end_to_end/test_bi_access.py does the same through SQLAlchemy on the real marts, whose versions are
identical; here the versions differ, which is what makes a mix visible."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from assets.publish.warehouse import publish

REPO = Path(__file__).resolve().parents[2]
TABLES = (
    "community.fct_channel_daily",
    "competitors.fct_share_of_voice_daily",
    "reputation.fct_sentiment_daily",
)
READER = r"""
import json, os, sys, time
import duckdb
publish_dir, seconds = sys.argv[1], float(sys.argv[2])
tables = sys.argv[3].split(",")
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        # a BI tool on the DuckDB file: one connection, several queries
        with duckdb.connect(os.path.join(publish_dir, "current", "warehouse.duckdb"), read_only=True) as con:
            version = con.execute("select version from _publication").fetchone()[0]
            gens = {t: con.execute(f"select min(gen), max(gen), count(*) from {t}").fetchone() for t in tables}
        # a tool on the Parquet files: resolves `current` once, then reads every file of that version
        folder = os.path.realpath(os.path.join(publish_dir, "current"))
        with duckdb.connect() as mem:
            parquet = {
                t: mem.execute(
                    f"select min(gen), max(gen), count(*) from '{folder}/parquet/{t.replace('.', '__')}.parquet'"
                ).fetchone()
                for t in tables
            }
        print(json.dumps({"version": version, "db": gens, "parquet": parquet}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
"""


def warehouse(path: Path, gen: str, rows: int) -> Path:
    with duckdb.connect(str(path)) as con:
        for table in TABLES:
            schema = table.split(".")[0]
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {table} as select '{gen}' as gen, range as n from range({rows})")
    return path


def test_a_reader_in_a_loop_never_gets_an_error_nor_a_mix_of_two_versions(tmp_path):
    sources = {
        "A": warehouse(tmp_path / "a.duckdb", "A", 1000),
        "B": warehouse(tmp_path / "b.duckdb", "B", 3000),
    }
    publish_dir = tmp_path / "published"
    gen_of = {publish(sources["A"], publish_dir, {}).version: "A"}
    # The reader's lines go to a file: through a pipe nobody reads until it exits, a fast reader fills the pipe
    # (64 KB) and blocks on print for good while this loop keeps publishing (it hung on a quiet machine).
    reads_file = tmp_path / "reads.ndjson"
    with reads_file.open("w") as sink:
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(publish_dir), "8", ",".join(TABLES)], stdout=sink, text=True
        )
    try:
        time.sleep(1.0)  # the reader is reading
        i = 0
        while reader.poll() is None:
            gen = "BA"[i % 2]
            gen_of[publish(sources[gen], publish_dir, {}).version] = gen
            i += 1
            time.sleep(0.05)
        out = reads_file.read_text().splitlines()
    finally:
        if reader.poll() is None:
            reader.kill()
    reads = [json.loads(line) for line in out]
    errors = [r["error"] for r in reads if "error" in r]
    assert errors == []
    assert i >= 6 and len(reads) >= 20, (i, len(reads))
    rows = {"A": 1000, "B": 3000}
    for r in reads:
        gen = gen_of[r["version"]]
        assert all(v == [gen, gen, rows[gen]] for v in r["db"].values()), r
        gens = {v[0] for v in r["parquet"].values()} | {v[1] for v in r["parquet"].values()}
        assert len(gens) == 1 and all(v[2] == rows[v[0]] for v in r["parquet"].values()), r
    assert {gen_of[r["version"]] for r in reads} == {"A", "B"}  # the reader did see publications change
