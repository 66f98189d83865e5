"""Raw Parquet partitions: validated, de-duplicated, quarantined with reasons, replaced atomically."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from assets.ingest.lake import Lake
from assets.ingest.landing import LandedPage, read_pages, write_pages
from assets.ingest.raw_writer import write_partition

DAY = dt.date(2026, 11, 3)
T = dt.datetime(2026, 11, 3, 12, 0, tzinfo=dt.UTC)


def post(pid: str, **kw) -> dict:
    return {
        "platform": "mastodon",
        "post_id": pid,
        "brand_id": "acme",
        "account_id": "1",
        "created_at": T,
        "text": "hello",
        "hashtags": ["a"],
        "like_count": 1,
        "share_count": 0,
        "reply_count": 2,
        "view_count": None,
        **kw,
    }


def test_good_records_land_bad_ones_are_quarantined_and_the_counts_add_up(tmp_path):
    lake = Lake(str(tmp_path))
    records = [
        post("1"),
        post("2", like_count=-3),
        post("3", created_at=T + dt.timedelta(days=1)),
        post("4", text="x" * 100_001),
        post("5", share_count="many"),
        post("1", like_count=5),  # the same post twice: the later copy wins
        post(None),
    ]
    res = write_partition(
        lake,
        "mastodon",
        "posts",
        DAY,
        records,
        [{"record_id": "9", "reason": "bad json", "record": "{", "source_url": "u"}],
    )
    assert (res.received, res.written, res.quarantined, res.duplicates) == (8, 1, 6, 1)
    assert res.written + res.quarantined + res.duplicates == res.received
    table = pq.read_table(f"{tmp_path}/raw/mastodon/posts/dt=2026-11-03/part-0.parquet")
    assert table.column("post_id").to_pylist() == ["1"] and table.column("like_count").to_pylist() == [5]
    assert table.column("view_count").to_pylist() == [None]  # unknown stays NULL
    q = pq.read_table(f"{tmp_path}/quarantine/mastodon/posts/dt=2026-11-03/part-0.parquet").to_pylist()
    reasons = {r["record_id"]: r["reason"] for r in q}
    assert reasons["2"] == "like_count is negative: -3"
    assert reasons["3"].startswith("created_at 2026-11-04T12:00:00+00:00 is outside the partition day")
    assert reasons["4"] == "text is 100001 characters, over the 100000 limit"
    assert reasons["5"] == "share_count is not an integer: 'many'"
    assert reasons[None] == "missing post_id"
    assert reasons["9"] == "bad json"


def test_a_rerun_replaces_the_partition_exactly(tmp_path):
    lake = Lake(str(tmp_path))
    write_partition(lake, "mastodon", "posts", DAY, [post("1"), post("2")])
    write_partition(lake, "mastodon", "posts", DAY, [post("3")])
    folder = tmp_path / "raw/mastodon/posts/dt=2026-11-03"
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    assert pq.read_table(folder / "part-0.parquet").column("post_id").to_pylist() == ["3"]


def test_wrong_types_are_quarantined_not_coerced(tmp_path):
    res = write_partition(
        Lake(str(tmp_path)),
        "mastodon",
        "posts",
        DAY,
        [post("1", hashtags="abc"), post("2", text=42), post("3")],
    )
    assert (res.written, res.quarantined) == (1, 2)
    q = pq.read_table(f"{tmp_path}/quarantine/mastodon/posts/dt=2026-11-03/part-0.parquet").to_pylist()
    assert sorted(r["reason"] for r in q) == [
        "hashtags is not a list of strings: 'abc'",
        "text is not text: '42'",
    ]


def test_a_write_that_dies_halfway_leaves_the_previous_version(tmp_path, monkeypatch):
    lake = Lake(str(tmp_path))
    write_partition(lake, "mastodon", "posts", DAY, [post("1")])

    def dies_halfway(table, fh, **kw):
        fh.write(b"PAR1 half a file")
        raise OSError("disk gone")

    monkeypatch.setattr("assets.ingest.raw_writer.pq.write_table", dies_halfway)
    with pytest.raises(OSError, match="disk gone"):
        write_partition(lake, "mastodon", "posts", DAY, [post("2")])
    folder = tmp_path / "raw/mastodon/posts/dt=2026-11-03"
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    assert pq.read_table(folder / "part-0.parquet").column("post_id").to_pylist() == ["1"]


def test_landing_round_trip_keeps_the_body_byte_for_byte(tmp_path):
    lake = Lake(str(tmp_path))
    body = '[{"id":"1","content":"<p>caf\u00e9 \\u00e9 \U0001f600</p>"}]'
    page = LandedPage(
        "mastodon",
        "posts",
        DAY.isoformat(),
        "statuses",
        {"brand_id": "acme"},
        "http://x/y",
        200,
        {"Link": '<http://x>; rel="next"'},
        "2026-11-04T00:30:00.000+00:00",
        body,
    )
    assert write_pages(lake, "mastodon", "posts", DAY, [page, page]) == 2
    back = list(read_pages(lake, "mastodon", "posts", DAY))
    assert back == [page, page] and back[0].body == body
