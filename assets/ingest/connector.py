"""What every platform connector shares, so that a connector module holds only its platform's specifics.

A connector subclasses Connector and sets `platform`; it fetches a day's pages (fetch_posts(day),
fetch_comments(days), fetch_mentions(day), fetch_account_snapshots(day)) and parses landed pages into
canonical records (parse_<entity>(pages, day) -> (records, quarantined)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from assets.brand_config import BrandConfig

from .brand_matching import BrandMatcher
from .http_core import HttpCore, Response
from .landing import LandedPage
from .pseudonyms import Pseudonymizer
from .records import day_bounds, observed_at, quarantined, snapshot_counts_for


class Connector:
    platform: str
    snapshot_page_kind = "account"  # the landed look-up pages that carry the follower counts

    def __init__(
        self,
        http: HttpCore,
        config: BrandConfig,
        pseudonymize: Pseudonymizer,
        lookback_days: int = 7,
        credentials: dict[str, str] | None = None,
    ):
        self.http = http
        self.config = config
        self.pseudonymize = pseudonymize
        self.lookback_days = lookback_days
        self.accounts = config.accounts_on(self.platform)  # brand id -> the brand's handle on this platform
        self.matcher = BrandMatcher(config, self.platform)
        self._credentials = dict(credentials or {})  # live mode only; never logged
        self._lookups: dict[str, Response] = {}  # account look-ups, once per run
        self._setup()

    def _setup(self) -> None:
        """A platform's own state (sessions, hooks, caches), set once the common state is there."""

    def comment_window(self, days: list[dt.date]) -> tuple[dt.datetime, dt.datetime]:
        """The creation times of the posts whose threads a range of days needs: from the lookback of the
        first day to the end of the last, so one listing and one thread per post serve every day."""
        return day_bounds(min(days) - dt.timedelta(days=self.lookback_days))[0], day_bounds(max(days))[1]

    def parse_account_snapshots(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        """One snapshot per account observed during the day or the day after.

        Platforms only tell today's counts, so a day long past gets no snapshot rather than a wrong one
        (the landing zone keeps every observation ever made).
        """
        records, bad = [], []
        for page in pages:
            if page.kind != self.snapshot_page_kind:
                continue
            try:
                if not snapshot_counts_for(day, page):
                    continue
                for counts in self.snapshot_counts(page):
                    records.append(
                        {
                            "platform": self.platform,
                            "brand_id": page.context["brand_id"],
                            "snapshot_date": day,
                            "observed_at": observed_at(page),
                            **counts,
                        }
                    )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(page.body, page, exc))
        return records, bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        """account_id, account_handle, followers, following, posts_count of a landed look-up page."""
        raise NotImplementedError

    def in_lookback(self, day: dt.date, created: dt.datetime) -> bool:
        """Whether a post created then is recent enough for its replies of `day` to be taken."""
        return day_bounds(day - dt.timedelta(days=self.lookback_days))[0] <= created < day_bounds(day)[1]


def page_items(
    pages: list[LandedPage], kinds, bad: list[dict], items: Callable[[object], object], what: str = "items"
) -> Iterator[tuple[LandedPage, dict]]:
    """(page, item) for every object in the landed pages of these kinds; a page or an item that cannot be
    read is quarantined with its reason instead."""
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    for page in pages:
        if page.kind not in kinds:
            continue
        try:
            found = items(page.json())
        except ValueError as exc:
            bad.append(quarantined(page.body, page, exc))
            continue
        if not isinstance(found, list):
            bad.append(quarantined(page.body, page, ValueError(f"page holds no list of {what}")))
            continue
        for item in found:
            if not isinstance(item, dict):
                bad.append(
                    quarantined(
                        item,
                        page,
                        ValueError(f"{what[:-1] if what.endswith('s') else what} is not an object"),
                    )
                )
                continue
            yield page, item
