"""The published warehouse that BI tools read: a DuckDB file plus one Parquet file per mart.

Each publication is a new version folder; `current` is a symlink switched atomically (os.replace), so a
reader sees the old version or the new one, never a mix, and a reader holding the old file keeps it.
dbt's own warehouse is never what people open: a DuckDB file takes one writer at a time.

With the lake on S3 the Parquet files are also published there, under <lake>/published/: each version in
versions/<version>/parquet/, then published/current.json (one object, replaced whole: a reader sees the old
pointer or the new one) names the current version and its files. The DuckDB files stay on local disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.ingest.lake import Lake

MART_SCHEMAS = ("community", "customer_care", "audience", "competitors", "reputation", "campaigns")
KEEP_VERSIONS = 3


@dataclass
class Publication:
    version: str
    path: Path  # the version folder
    tables: dict[str, int]  # schema.table -> rows
    remote_parquet: str | None = None  # the version's Parquet folder on the remote lake, as a URL


def current_dir(publish_dir: Path) -> Path:
    return publish_dir / "current"


def published_db(publish_dir: Path) -> Path:
    return current_dir(publish_dir) / "warehouse.duckdb"


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' order by 1, 2",
        [catalog],
    ).fetchall()
    return [(s, t) for s, t in rows if s in MART_SCHEMAS]


def publish(warehouse_path: Path, publish_dir: Path, info: dict, remote: Lake | None = None) -> Publication:
    """remote: a lake on an object store that receives the Parquet files too (see the module's docstring)."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    version = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"  # sorts by time
    versions = publish_dir / "versions"
    staging = versions / f".{version}.tmp"
    (staging / "parquet").mkdir(parents=True)
    tables: dict[str, int] = {}
    try:
        con = duckdb.connect(str(staging / "warehouse.duckdb"))
        try:
            con.execute(f"attach '{_sql_str(warehouse_path)}' as src (read_only)")
            marts = mart_tables(con, "src")
            if not marts:
                raise RuntimeError(
                    f"{warehouse_path} has no mart tables in schemas {MART_SCHEMAS}: nothing to publish"
                )
            for schema, table in marts:
                con.execute(f'create schema if not exists "{schema}"')
                con.execute(f'create table "{schema}"."{table}" as select * from src."{schema}"."{table}"')
                out = staging / "parquet" / f"{schema}__{table}.parquet"
                con.execute(
                    f'copy "{schema}"."{table}" to \'{_sql_str(out)}\' (format parquet, compression zstd)'
                )
                tables[f"{schema}.{table}"] = con.execute(
                    f'select count(*) from "{schema}"."{table}"'
                ).fetchone()[0]
            con.execute("detach src")
            con.execute(
                "create table _publication as select ?::timestamptz as published_at, ? as version, "
                "? as gate_status, ?::integer as checks_passed, ? as run_id",
                [
                    now,
                    version,
                    info.get("gate_status", "passed"),
                    info.get("checks_passed", 0),
                    info.get("run_id"),
                ],
            )
            con.execute("checkpoint")
        finally:
            con.close()
        manifest = {"version": version, "published_at": now.isoformat(), "tables": tables, **info}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
        remote_parquet = _upload_version(remote, version, staging / "parquet", manifest) if remote else None
        final = versions / version
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if remote is not None:
            _remove_remote_version(remote, version)
        raise
    _switch_current(publish_dir, final)
    _prune(versions, keep=KEEP_VERSIONS, current=final)
    if remote is not None:
        _switch_remote_current(remote, version, manifest)
    return Publication(version, final, tables, remote_parquet)


def remote_versions_dir(remote: Lake) -> str:
    return remote.path("published", "versions")


def _upload_version(remote: Lake, version: str, parquet_dir: Path, manifest: dict) -> str:
    folder = posixpath.join(remote_versions_dir(remote), version)
    for f in sorted(parquet_dir.iterdir()):
        with remote.atomic_open(posixpath.join(folder, "parquet", f.name)) as out, f.open("rb") as src:
            shutil.copyfileobj(src, out)
    with remote.atomic_open(posixpath.join(folder, "manifest.json")) as out:
        out.write(json.dumps(manifest, indent=2).encode())
    return remote.uri("published", "versions", version, "parquet")


def _switch_remote_current(remote: Lake, version: str, manifest: dict) -> None:
    """published/current.json names the current version, then versions beyond KEEP_VERSIONS go."""
    parquet = remote.uri("published", "versions", version, "parquet")
    files = {t: f"{parquet}/{t.replace('.', '__')}.parquet" for t in manifest["tables"]}
    pointer = {**manifest, "parquet_dir": parquet, "parquet_files": files}
    with remote.atomic_open(remote.path("published", "current.json")) as out:
        out.write(json.dumps(pointer, indent=2).encode())
    done = sorted(
        (posixpath.basename(p) for p in remote.fs.ls(remote_versions_dir(remote), detail=False)), reverse=True
    )
    for old in done[KEEP_VERSIONS:]:
        if old != version:
            _remove_remote_version(remote, old)


def _remove_remote_version(remote: Lake, version: str) -> None:
    folder = posixpath.join(remote_versions_dir(remote), version)
    if remote.exists(folder):
        remote.fs.rm(folder, recursive=True)


def read_remote_pointer(remote: Lake) -> dict | None:
    path = remote.path("published", "current.json")
    if not remote.exists(path):
        return None
    with remote.fs.open(path, "rb") as fh:
        return json.loads(fh.read())


def _switch_current(publish_dir: Path, target: Path) -> None:
    link = current_dir(publish_dir)
    tmp = publish_dir / f".current-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(target, publish_dir), tmp)
    os.replace(tmp, link)  # atomic on POSIX: readers see the old or the new version


def _prune(versions: Path, keep: int, current: Path) -> None:
    done = sorted((p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(publish_dir: Path) -> dict | None:
    path = current_dir(publish_dir) / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else None


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
