"""Reliability and privacy on the shared end-to-end runs (issue #8; the long chaos run is `make chaos`).

- Idempotence of one day: first_run covered 2026-11-16..18; running its last day again, alone, republishes
  marts identical to the ones before, table for table and row for row (a backfill run twice:
  tests/end_to_end/test_backfills.py).
- Members of the public are pseudonymous in every published mart: no column but free text holds a member's
  username, handle or display name, and every member or author id is the keyed hash (HMAC-SHA256 with the
  pseudonym key) of the member's platform id.
"""

from __future__ import annotations

import re

import pytest

from assets.ingest.pseudonyms import SANDBOX_KEY, Pseudonymizer
from tests.end_to_end.conftest import LAST

pytestmark = pytest.mark.e2e
FREE_TEXT = {"text"}  # what people wrote, verbatim: it may name other people, as the platform shows it
PSEUDONYM = re.compile(r"^p_[0-9a-f]{24}$")


def published_tables(pipeline) -> dict[str, list[tuple]]:
    """Every published table, rows sorted: the whole content people read."""
    with pipeline.published() as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('main', 'information_schema') order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": sorted(con.execute(f'select * from "{s}"."{t}"').fetchall(), key=repr)
            for s, t in tables
        }


def test_one_day_run_again_alone_publishes_identical_marts(pipeline, first_run):
    before = published_tables(pipeline)  # the marts; main._publication (version, time) is left out
    with pipeline.published() as con:
        version = con.execute("select version from _publication").fetchone()[0]
    assert len(before) >= 10 and sum(len(rows) for rows in before.values()) > 1000
    result = pipeline.run(LAST, LAST)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    with pipeline.published() as con:
        status, republished = con.execute("select gate_status, version from _publication").fetchone()
    assert status == "passed" and republished != version  # a new publication, made from the day's run
    after = published_tables(pipeline)
    assert after.keys() == before.keys()
    changed = [t for t in before if after[t] != before[t]]
    assert changed == [], changed


def test_members_of_the_public_are_pseudonymous_in_every_published_mart(pipeline, first_run):
    members = {p: w.members for p, w in pipeline.worlds.items()}
    real = {
        s for accounts in members.values() for a in accounts for s in (a.username, a.acct, a.display_name)
    }
    brand_ids = {str(a.id) for w in pipeline.worlds.values() for a in w.brand_accounts.values()}
    keyed = Pseudonymizer(SANDBOX_KEY)  # the key of the fixture's environment (none set: the sandbox's)
    mastodon_members = {keyed("mastodon", str(a.id)) for a in members["mastodon"]}
    checked_ids, mastodon_ids = 0, set()
    with pipeline.published() as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('main', 'information_schema') and data_type = 'VARCHAR'"
        ).fetchall()
        for schema, table, column in columns:
            if column in FREE_TEXT:
                continue
            values = {
                v
                for (v,) in con.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()
                if v is not None
            }
            assert not values & real, (schema, table, column, sorted(values & real)[:3])
            if column in ("author_id", "member_id"):
                for platform, value in con.execute(
                    f'select distinct platform, "{column}" from "{schema}"."{table}" where "{column}" is not null'
                ).fetchall():
                    checked_ids += 1
                    assert PSEUDONYM.match(value) or value in brand_ids, (schema, table, column, value)
                    if platform == "mastodon" and value not in brand_ids:
                        mastodon_ids.add(value)
    assert checked_ids > 100  # the marts do hold members: the check saw them
    # the keyed hash of each member's own id: nobody without the key can compute it from a handle
    assert mastodon_ids and mastodon_ids <= mastodon_members
