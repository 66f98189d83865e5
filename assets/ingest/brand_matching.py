"""Which tracked brands a post names, and how: by handle, by hashtag or by keyword.

Shared by every platform: a connector extracts the plain text, the hashtags and the mentioned handles of
a post; this module decides the matches the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assets.brand_config import BrandConfig

MATCH_PRIORITY = ("handle", "hashtag", "keyword")


@dataclass(frozen=True)
class Match:
    brand_id: str
    match_type: str
    term: str


class BrandMatcher:
    def __init__(self, config: BrandConfig, platform: str):
        self._brands = []
        for b in config.brands.values():
            handle = b.accounts.get(platform)
            keywords = [(k, re.compile(rf"(?<!\w){re.escape(k)}(?!\w)", re.IGNORECASE)) for k in b.keywords]
            self._brands.append(
                (b.brand_id, handle.lower() if handle else None, {h.lower() for h in b.hashtags}, keywords)
            )

    def match(self, text: str, hashtags: list[str], mentioned_handles: list[str]) -> list[Match]:
        tags = {t.lower().lstrip("#") for t in hashtags}
        handles = {h.lower().lstrip("@") for h in mentioned_handles}
        out = []
        for brand_id, handle, brand_tags, keywords in self._brands:
            if handle and (handle in handles or any(_same_account(handle, h) for h in handles)):
                out.append(Match(brand_id, "handle", handle))
                continue
            hit = sorted(brand_tags & tags)
            if hit:
                out.append(Match(brand_id, "hashtag", hit[0]))
                continue
            for word, pattern in keywords:
                if pattern.search(text or ""):
                    out.append(Match(brand_id, "keyword", word))
                    break
        return out


def _same_account(configured: str, seen: str) -> bool:
    """A configured 'brand@instance' matches the API's 'brand', which is how an instance writes its local users.

    The other way round ('brand' configured, 'brand@elsewhere' seen) is a different person on another server.
    """
    return "@" in configured and "@" not in seen and configured.split("@")[0] == seen
