"""The dbt project built on DuckDB and on Spark from one lake, and the two sets of marts compared.

Used by tests/end_to_end/test_spark_equivalence.py. dbt runs in a subprocess per invocation (Spark's JVM,
started by dbt-spark's session method, goes away with it). Everything Spark writes (its Hive metastore in
Derby, derby.log, the warehouse, scratch space) lives under one folder given by SOCIAL_SPARK_DIR
(dbt_project/profiles.yml), never in the working tree.

The Spark marts are read back without Spark: they are Parquet files under the warehouse folder
(<warehouse>/<schema>.db/<table>/[date=YYYY-MM-DD/]part-*.parquet), read here with DuckDB, the partition
column `date` from the folder names. Rows are compared by column name (Spark moves partition columns last).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

# Floats (doubles) are equal when within this relative OR absolute difference: sums and means of doubles
# may be added in another order on the two engines; everything else must be equal exactly.
FLOAT_REL_TOL = 1e-9
FLOAT_ABS_TOL = 1e-9

ENTITIES = ("posts", "comments", "mentions", "account_snapshots")


def copy_raw_days(src_lake: Path, dst_lake: Path, days: list[dt.date]) -> int:
    """Copy the raw day partitions of `days` (every platform and entity) from one lake to another, with the
    unpartitioned reference tables and the listening alerts. Returns the number of day folders copied."""
    copied = 0
    raw = src_lake / "raw"
    for platform_dir in sorted(p for p in raw.iterdir() if p.is_dir() and p.name != "reference"):
        for entity in ENTITIES:
            (dst_lake / "raw" / platform_dir.name / entity).mkdir(parents=True, exist_ok=True)
            for day in days:
                src = platform_dir / entity / f"dt={day.isoformat()}"
                if src.is_dir():
                    dst = dst_lake / "raw" / platform_dir.name / entity / src.name
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(src, dst)
                    copied += 1
    for folder in (Path("raw") / "reference", Path("listening")):
        if (src_lake / folder).is_dir() and not (dst_lake / folder).exists():
            shutil.copytree(src_lake / folder, dst_lake / folder)
    return copied


@dataclass
class Build:
    """One engine's dbt project over one lake: its own target, logs, warehouse (and Spark folder)."""

    target: str  # duckdb | spark
    lake: Path
    work: Path
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def spark_dir(self) -> Path:
        return self.work / "spark"

    @property
    def duckdb_path(self) -> Path:
        return self.work / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SOCIAL_LAKE_URL=str(self.lake.resolve()),
            SOCIAL_WAREHOUSE_PATH=str(self.duckdb_path),
            SOCIAL_SPARK_DIR=str(self.spark_dir),
            SOCIAL_SPARK_MASTER="local[2]",
            # Spark writes its own scratch files (and Python's) to the temporary folder
            TMPDIR=str(self.work / "tmp"),
        )
        return env

    def dbt(self, *args: str, label: str | None = None) -> str:
        (self.work / "tmp").mkdir(parents=True, exist_ok=True)
        command = [
            str(DBT),
            *args,
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target",
            self.target,
            "--target-path",
            str(self.work / "target"),
            "--log-path",
            str(self.work / "logs"),
        ]
        started = time.monotonic()
        # cwd: the work folder, so that nothing the engine might write relative to it reaches the repo
        done = subprocess.run(
            command, cwd=self.work, env=self.env(), capture_output=True, text=True, check=False
        )
        self.timings.append((label or " ".join(args), time.monotonic() - started))
        if done.returncode != 0:
            raise AssertionError(
                f"dbt {' '.join(args)} on {self.target} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def marts(self) -> list[tuple[str, str]]:
        """(schema, table) of every mart model, from the manifest of the last invocation."""
        manifest = json.loads((self.work / "target" / "manifest.json").read_text())
        return sorted(
            (node["schema"], node["alias"])
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1] == "marts"
        )

    def read(self, schema: str, table: str) -> tuple[list[str], list[tuple], dict[str, str]]:
        """(column names, rows, column types) of one mart."""
        import duckdb

        if self.target == "duckdb":
            with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
                cursor = con.execute(f'select * from "{schema}"."{table}"')
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                types = dict(
                    con.execute(
                        "select column_name, data_type from information_schema.columns"
                        " where table_schema = ? and table_name = ?",
                        [schema, table],
                    ).fetchall()
                )
            return names, rows, types
        folder = self.spark_dir / "warehouse" / f"{schema}.db" / table
        files = sorted(str(p) for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_")))
        if not files:
            return [], [], {}
        with duckdb.connect() as con:
            relation = con.sql(
                "select * from read_parquet($files, hive_partitioning = true)",
                params={"files": files},
            )
            names = list(relation.columns)
            types = {n: str(t) for n, t in zip(relation.columns, relation.types, strict=True)}
            rows = relation.fetchall()
        return names, rows, types


def _family(type_name: str) -> str:
    t = type_name.upper()
    if t.endswith("[]") or t.startswith(("LIST", "ARRAY")):
        return "list"
    if t in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    }:
        return "integer"
    if t in {"DOUBLE", "FLOAT", "REAL"}:
        return "float"
    if t.startswith("DECIMAL"):
        return "decimal"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    return t.lower()  # varchar, boolean, date


def _normal(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, list | tuple):
        return tuple(_normal(v) for v in value)
    return value


def _sort_key(row: tuple) -> tuple:
    # NULLs first, floats rounded (a last-digit difference must not change the order), then by repr
    return tuple(
        (0, "") if v is None else (1, repr(round(v, 6)) if isinstance(v, float) else repr(v)) for v in row
    )


def _equal(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=FLOAT_REL_TOL, abs_tol=FLOAT_ABS_TOL)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@dataclass
class Comparison:
    table: str
    rows: int
    problems: list[str]


def compare_mart(duck: Build, spark: Build, schema: str, table: str) -> Comparison:
    """The mart on both engines, row for row by column name (floats within the tolerance above), and
    column types of the same family (integer, float, decimal, string, boolean, date, timestamp, list)."""
    name = f"{schema}.{table}"
    d_names, d_rows, d_types = duck.read(schema, table)
    s_names, s_rows, s_types = spark.read(schema, table)
    problems: list[str] = []
    if not s_names:  # Spark wrote no file: an empty table
        if d_rows:
            problems.append(f"{name}: {len(d_rows)} rows on DuckDB, none on Spark")
        return Comparison(name, len(d_rows), problems)
    if sorted(d_names) != sorted(s_names):
        only_duck, only_spark = set(d_names) - set(s_names), set(s_names) - set(d_names)
        problems.append(f"{name}: columns differ: duckdb-only {only_duck}, spark-only {only_spark}")
        return Comparison(name, len(d_rows), problems)
    for column in d_names:
        if _family(d_types[column]) != _family(s_types[column]):
            problems.append(f"{name}.{column}: type {d_types[column]} on DuckDB, {s_types[column]} on Spark")
    order = [s_names.index(c) for c in d_names]
    left = sorted((tuple(_normal(v) for v in r) for r in d_rows), key=_sort_key)
    right = sorted((tuple(_normal(r[i]) for i in order) for r in s_rows), key=_sort_key)
    if len(left) != len(right):
        problems.append(f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark")
    shown = 0
    for a, b in zip(left, right, strict=False):
        if not _equal(a, b):
            diffs = {c: (x, y) for c, x, y in zip(d_names, a, b, strict=True) if not _equal(x, y)}
            problems.append(f"{name}: row differs {diffs} (duckdb, spark)")
            shown += 1
            if shown >= 5:
                break
    return Comparison(name, len(left), problems)


def compare_all(duck: Build, spark: Build) -> list[Comparison]:
    marts = duck.marts()
    assert marts == spark.marts(), (marts, spark.marts())
    return [compare_mart(duck, spark, schema, table) for schema, table in marts]


def rows_per_day(build: Build, schema: str, table: str) -> dict[dt.date, int]:
    names, rows, _ = build.read(schema, table)
    i = names.index("date")
    out: dict[dt.date, int] = {}
    for row in rows:
        out[row[i]] = out.get(row[i], 0) + 1
    return out
