"""Named random streams: every piece of the world draws from its own stream, so a day's data never
depends on which other days (or in which order) were generated before it."""

from __future__ import annotations

import hashlib
import random


def stream_seed(*parts: object) -> int:
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def stream(*parts: object) -> random.Random:
    """A random generator seeded from the parts, e.g. stream(seed, "brewbean", day, "posts")."""
    return random.Random(stream_seed(*parts))
