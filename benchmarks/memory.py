"""Memory of the benchmark process and its children, as the operating system sees it.

What is measured: the resident set size (RSS, /proc/<pid>/status VmRSS) of the benchmark's process plus every
process below it (dbt runs as a child process; DuckDB's memory is native, invisible to tracemalloc), summed,
sampled every `interval` seconds by a background thread. The sandbox's process is excluded: it stands in for
the platforms. A stage's peak is the largest sample taken while it ran, so a spike shorter than the interval
can be missed; resource.getrusage's ru_maxrss (peak of one process, exact) is kept beside it as a check.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def descendants(root: int) -> list[int]:
    children = _children_map()
    out, stack = [], list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def tree_rss(root: int, exclude: set[int]) -> int:
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in exclude:
            continue
        total += _rss_bytes(pid)
        stack.extend(children.get(pid, ()))
    return total


class Sampler:
    """Samples (monotonic time, RSS of this process tree in bytes) until stopped."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.exclude: set[int] = set()
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), tree_rss(me, self.exclude)))
            self._stop.wait(self.interval)

    def peak(self, start: float, end: float) -> int | None:
        """The largest sample in [start, end]; None when no sample fell in it."""
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside) if inside else None


def ru_maxrss_bytes() -> dict[str, int]:
    """Peak RSS of this process, and of its largest waited-for child (Linux reports KiB)."""
    return {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "largest_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }
