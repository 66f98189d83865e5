"""Two runs writing the same partition at once: neither removes the other's file in flight."""

from __future__ import annotations

from assets.ingest.lake import Lake


def test_replacing_a_partitions_files_leaves_another_writers_temporary_file_alone(tmp_path):
    lake = Lake(str(tmp_path))
    folder = lake.path("raw", "x", "posts", "date=2026-11-16")
    for name in ("part-0.parquet", "part-1.parquet", "part-0.parquet.3f2a.tmp"):
        lake.fs.makedirs(folder, exist_ok=True)
        lake.fs.pipe_file(f"{folder}/{name}", b"x")

    lake.replace_dir_files(folder, keep={"part-0.parquet"})

    left = sorted(p.rsplit("/", 1)[1] for p in lake.fs.ls(folder, detail=False))
    assert left == ["part-0.parquet", "part-0.parquet.3f2a.tmp"]


def test_a_file_the_other_writer_removed_first_is_no_error(tmp_path, monkeypatch):
    lake = Lake(str(tmp_path))
    folder = lake.path("raw", "x", "posts", "date=2026-11-16")
    lake.fs.makedirs(folder, exist_ok=True)
    lake.fs.pipe_file(f"{folder}/part-0.parquet", b"x")
    # the listing still names part-1 that the other writer has just removed
    listed = [f"{folder}/part-0.parquet", f"{folder}/part-1.parquet"]
    monkeypatch.setattr(type(lake.fs), "ls", lambda self, path, detail=False, **kw: listed)

    lake.replace_dir_files(folder, keep={"part-0.parquet"})
    assert lake.fs.exists(f"{folder}/part-0.parquet")
