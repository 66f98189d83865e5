"""Which tracked brands a status names: the rule the pipeline's connector applies, kept in one place.

A status names a brand by keyword (whole word, case-insensitive, in the text), by hashtag (in its tags,
case-insensitive) or by @handle (in its mentions). A brand's own statuses never count as naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assets.brand_config import BrandConfig

from .people import Account


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({k for k in keywords}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


class BrandMatcher:
    def __init__(self, config: BrandConfig, accounts: dict[str, Account]):
        self._keywords = [
            (bid, rx) for bid, b in config.brands.items() if (rx := keyword_pattern(b.keywords)) is not None
        ]
        self._tags: dict[str, set[str]] = {}
        for bid, b in config.brands.items():
            for tag in b.hashtags:
                self._tags.setdefault(tag.lower(), set()).add(bid)
        self._handles = {a.id: bid for bid, a in accounts.items()}

    def names(
        self, text: str, tags: Iterable[str], mentions: Iterable[Account], author: Account
    ) -> frozenset[str]:
        found = {bid for bid, rx in self._keywords if rx.search(text)}
        for tag in tags:
            found |= self._tags.get(tag.lower(), set())
        found.update(self._handles[a.id] for a in mentions if a.id in self._handles)
        found.discard(author.brand_id)
        return frozenset(found)
