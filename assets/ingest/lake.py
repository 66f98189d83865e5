"""The lake behind one URL: a local folder or s3://bucket/prefix, through fsspec.

Writes are atomic per file: written beside the target under a temporary name, then moved into place,
so a crash never leaves half a partition and a re-run of a partition replaces it exactly.
"""

from __future__ import annotations

import posixpath
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import fsspec


@dataclass(frozen=True)
class Lake:
    url: str

    @cached_property
    def fs(self) -> fsspec.AbstractFileSystem:
        fs, _ = fsspec.core.url_to_fs(self.url)
        return fs

    @cached_property
    def root(self) -> str:
        _, root = fsspec.core.url_to_fs(self.url)
        return root.rstrip("/")

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, *parts: str) -> str:
        """The path as a URL other tools (DuckDB, dbt) can open."""
        p = self.path(*parts)
        proto = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return p if proto in ("file", "local") else f"{proto}://{p}"

    def exists(self, path: str) -> bool:
        return self.fs.exists(path)

    @contextmanager
    def atomic_open(self, path: str, mode: str = "wb"):
        """Open a temporary sibling for writing; move it onto `path` only if the block succeeds."""
        parent = posixpath.dirname(path)
        self.fs.makedirs(parent, exist_ok=True)
        # The suffix keeps readers globbing *.parquet or *.ndjson.gz from seeing a half-written file.
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        try:
            with self.fs.open(tmp, mode) as fh:
                yield fh
            self.fs.mv(tmp, path)
        except BaseException:
            if self.fs.exists(tmp):
                self.fs.rm(tmp)
            raise

    def replace_dir_files(self, folder: str, keep: set[str]) -> None:
        """Remove files in `folder` other than `keep` (older part files of a re-written partition)."""
        if not self.fs.exists(folder):
            return
        for p in self.fs.ls(folder, detail=False):
            if posixpath.basename(p) not in keep:
                self.fs.rm(p, recursive=True)
