"""The lake behind one URL: a local folder or s3://bucket/prefix, through fsspec.

Writes are atomic per file: written beside the target under a temporary name, then moved into place,
so a crash never leaves half a partition and a re-run of a partition replaces it exactly.

Every path in here is a posix path inside the lake's filesystem (for S3: "bucket/prefix/..."), never an
os.path or pathlib path: the same code serves a local folder and an object store. On S3, s3fs takes the
endpoint and credentials from the standard AWS environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_DEFAULT_REGION or an AWS profile); nothing here reads,
logs or stores them.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cached_property

import fsspec

STALE_TMP_SECONDS = 3600


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

    @cached_property
    def protocol(self) -> str:
        proto = self.fs.protocol
        return proto if isinstance(proto, str) else proto[0]

    @property
    def is_local(self) -> bool:
        """A folder on this machine (as opposed to an object store such as S3)."""
        return self.protocol in ("file", "local")

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, *parts: str) -> str:
        """The path as a URL other tools (DuckDB, dbt) can open."""
        p = self.path(*parts)
        return p if self.is_local else f"{self.protocol}://{p}"

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
        """Remove files in `folder` other than `keep` (older part files of a re-written partition).

        Two runs may write the same partition at once (a backfill over the daily run's days): the other
        writer's temporary file (*.tmp, not yet moved into place) is left alone, and a file the other writer
        removed first is no error. A temporary file older than STALE_TMP_SECONDS is what a killed writer left
        (no partition takes that long to write): it goes."""
        if not self.fs.exists(folder):
            return
        for p in self.fs.ls(folder, detail=False):
            name = posixpath.basename(p)
            if name in keep or (name.endswith(".tmp") and not self._stale(p)):
                continue
            with suppress(FileNotFoundError):
                self.fs.rm(p, recursive=True)

    def _stale(self, path: str) -> bool:
        try:
            modified = self.fs.modified(path)
        except (FileNotFoundError, NotImplementedError):
            return False
        if modified.tzinfo is None:  # fsspec's local filesystem answers in naive UTC
            modified = modified.replace(tzinfo=dt.UTC)
        return (dt.datetime.now(dt.UTC) - modified).total_seconds() > STALE_TMP_SECONDS
