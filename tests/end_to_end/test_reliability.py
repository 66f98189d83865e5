"""Reliability and privacy on the shared end-to-end runs (issue #8; the long chaos run is `make chaos`).

- Idempotence: one day run again alone (tests/end_to_end/test_pipeline.py) and a 31-day backfill run twice
  (tests/end_to_end/test_backfills.py) publish identical marts, table for table and row for row.
- Members of the public are pseudonymous in every published mart: no column but free text holds a member's
  username, handle or display name, and every member or author id is the keyed hash (HMAC-SHA256 with the
  pseudonym key) of the member's platform id.
"""

from __future__ import annotations

import re

import pytest

from assets.ingest.pseudonyms import SANDBOX_KEY, Pseudonymizer

pytestmark = pytest.mark.e2e
FREE_TEXT = {"text"}  # what people wrote, verbatim: it may name other people, as the platform shows it
PSEUDONYM = re.compile(r"^p_[0-9a-f]{24}$")


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
