"""The dbt exposures name exactly the marts each dashboard page reads: lineage that cannot drift from the code.

The tables a page reads are taken from its queries' parse trees (DuckDB's own parser), not from the text.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from assets.publish.dashboards import PAGES
from assets.publish.dashboards.queries import ALL
from assets.publish.warehouse import MART_SCHEMAS

MANIFEST = Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"


def _walk(node, base: set[tuple[str, str]], ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            base.add((node.get("schema_name") or "", node["table_name"]))
        for entry in (node.get("cte_map") or {}).get("map", []):
            ctes.add(entry["key"])
        for value in node.values():
            _walk(value, base, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, base, ctes)


def tables_read(sql: str) -> set[tuple[str, str]]:
    """(schema, table) of every table the query reads; its own CTEs left out."""
    tree = json.loads(duckdb.connect().execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    assert not tree["error"], tree
    base: set[tuple[str, str]] = set()
    ctes: set[str] = set()
    _walk(tree["statements"], base, ctes)
    return {(schema, table) for schema, table in base if schema or table not in ctes}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_tables_read_finds_the_tables_of_a_query():
    sql = "with x as (select * from a.t1) select * from x join b.t2 using (k) where k in (select k from a.t3)"
    assert tables_read(sql) == {("a", "t1"), ("b", "t2"), ("a", "t3")}


def test_every_page_has_queries_and_they_read_published_marts_only():
    assert set(ALL) == {p.slug for p in PAGES}
    for page, queries in ALL.items():
        assert queries, page
        for name, sql in queries.items():
            read = tables_read(sql)
            assert read, (page, name)
            # schema-qualified mart tables: what the published warehouse holds, and what BI tools see
            assert {schema for schema, _ in read} <= set(MART_SCHEMAS), (page, name, read)


@pytest.mark.parametrize("page", [p.slug for p in PAGES])
def test_each_page_has_an_exposure_listing_exactly_the_marts_it_reads(manifest, page):
    exposure = manifest["exposures"].get(f"exposure.social.{page}_dashboard")
    assert exposure, f"no dbt exposure {page}_dashboard: declare it in the YAML of the marts the page reads"
    assert exposure["type"] == "dashboard"
    declared = {
        (manifest["nodes"][uid]["schema"], manifest["nodes"][uid]["name"])
        for uid in exposure["depends_on"]["nodes"]
    }
    read = set().union(*(tables_read(sql) for sql in ALL[page].values()))
    assert declared == read


def test_no_exposure_names_a_dashboard_that_does_not_exist(manifest):
    pages = {f"{p.slug}_dashboard" for p in PAGES}
    dashboards = {e["name"] for e in manifest["exposures"].values() if e["type"] == "dashboard"}
    assert dashboards == pages
