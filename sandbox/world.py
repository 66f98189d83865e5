"""The simulated community of one platform for the configured brands: generated lazily, day by day, indexed.

The model is Mastodon's (statuses, replies, tags, mentions); each platform's API module renders it in that
platform's wire format. World(config, seed, now, history_days, platform) is deterministic: the same seed,
config and `now` always give the same statuses with the same ids. Nothing created after `now` is visible,
and nothing exists before `start` (history_days before now's date). Generation happens per UTC day on first
use and is cached; the cache is filled under a lock so the threaded HTTP server can share one World.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from assets.brand_config import BrandConfig

from .generate import Generator, ScriptedBadBuzz
from .ids import MS_PER_DAY, day_of_ms, day_start_ms, from_ms, snowflake, unix_ms
from .matching import BrandMatcher
from .people import Account, brand_account, members
from .rhythms import HOUR_MS
from .status import Status

ANCHOR_DAY = dt.date(2024, 1, 1)  # follower counts are accumulated from here, whatever the history window
THREAD_LOOKBACK_DAYS = 5  # a thread's replies all come within 5 days of its post
WORD = re.compile(r"\w+")


def _id(status: Status) -> int:
    return status.id


@dataclass
class DayIndex:
    """The visible statuses created on one UTC day, in id order, and their lookup tables."""

    day: dt.date
    statuses: list[Status] = field(default_factory=list)
    by_id: dict[int, Status] = field(default_factory=dict)
    by_account: dict[int, list[Status]] = field(default_factory=dict)
    by_tag: dict[str, list[Status]] = field(default_factory=dict)
    by_word: dict[str, list[Status]] = field(default_factory=dict)
    by_mention: dict[int, list[Status]] = field(default_factory=dict)

    def add(self, st: Status) -> None:
        self.statuses.append(st)
        self.by_id[st.id] = st
        self.by_account.setdefault(st.account.id, []).append(st)
        for tag in st.tags:
            self.by_tag.setdefault(tag, []).append(st)
        for word in set(WORD.findall(st.text.lower())):
            self.by_word.setdefault(word, []).append(st)
        for account in st.mentions:
            self.by_mention.setdefault(account.id, []).append(st)


class World:
    def __init__(
        self,
        config: BrandConfig,
        seed: int = 42,
        now: dt.datetime | None = None,
        history_days: int = 400,
        platform: str = "mastodon",
        bad_buzzes: tuple[ScriptedBadBuzz, ...] = (),
    ):
        if now is None:
            now = dt.datetime.now(dt.UTC)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        # Each platform is its own community: same brands, other people and other posts. Mastodon keeps the
        # seed as given; the others mix their name in.
        self.platform = platform
        if platform != "mastodon":
            seed = int.from_bytes(hashlib.sha256(f"{seed}:{platform}".encode()).digest()[:4], "big")
        self.config, self.seed = config, seed
        self.now_ms = unix_ms(now)
        self.now = from_ms(self.now_ms)
        self.today = self.now.date()
        self.start = self.today - dt.timedelta(days=history_days)
        self.brand_accounts: dict[str, Account] = {}
        for bid, b in config.brands.items():
            if platform in b.accounts:
                lang = "fr" if b.timezone in ("Europe/Paris", "America/Montreal") else "en"
                self.brand_accounts[bid] = brand_account(seed, bid, b.name, b.accounts[platform], lang)
        reserved = frozenset(a.username.lower() for a in self.brand_accounts.values())
        self.members = members(seed, reserved=reserved)
        self._accounts = {a.id: a for a in (*self.brand_accounts.values(), *self.members)}
        if len(self._accounts) != len(self.brand_accounts) + len(self.members):
            raise ValueError("two accounts drew the same id; pick another seed")
        self._by_acct = {a.acct.lower(): a for a in self._accounts.values()}
        self.matcher = BrandMatcher(config, self.brand_accounts)
        self.generator = Generator(config, seed, self.brand_accounts, self.members, self.matcher, bad_buzzes)
        self._lock = threading.RLock()
        self._posts: dict[tuple[str, dt.date], list[Status]] = {}
        self._threads: dict[str, list[Status]] = {}
        self._days: dict[dt.date, DayIndex] = {}
        self._follow_totals: dict[str, list[int]] = {}
        self._statuses_count: dict[str, int] = {}

    def set_now(self, now: dt.datetime) -> None:
        """Move the world's present (a settable clock for intraday tests): statuses created up to `now`
        become visible, and the platforms' Date header follows. Ids stay the same, since a day's ids depend
        only on the statuses of that day up to each one; the history window (`start`) does not move."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        with self._lock:
            earliest = min(self.today, now.date())
            self.now_ms = unix_ms(now)
            self.now = from_ms(self.now_ms)
            self.today = self.now.date()
            # Days from the earlier present on were indexed (or left empty) as of the old clock.
            for day in [d for d in self._days if d >= earliest]:
                del self._days[day]
            for key in [k for k in self._posts if k[1] > earliest]:
                del self._posts[key]
            self._statuses_count.clear()

    # -- accounts -----------------------------------------------------------------------------------

    def account(self, account_id: int) -> Account | None:
        return self._accounts.get(account_id)

    def lookup(self, acct: str) -> Account | None:
        return self._by_acct.get(acct.strip().lstrip("@").lower())

    def days(self) -> Iterator[dt.date]:
        day = self.start
        while day <= self.today:
            yield day
            day += dt.timedelta(days=1)

    # -- generation and indexing ---------------------------------------------------------------------

    def _all_posts(self, bid: str, day: dt.date) -> list[Status]:
        key = (bid, day)
        if key not in self._posts:
            with self._lock:
                if key not in self._posts:
                    self._posts[key] = (
                        self.generator.posts(bid, day) if self.start <= day <= self.today else []
                    )
        return self._posts[key]

    def _all_replies(self, post: Status) -> list[Status]:
        if post.key not in self._threads:
            with self._lock:
                if post.key not in self._threads:
                    self._threads[post.key] = self.generator.thread(post)
        return self._threads[post.key]

    def day(self, day: dt.date) -> DayIndex:
        """Everything visible that was created on the UTC day, with ids assigned."""
        index = self._days.get(day)
        if index is None:
            with self._lock:
                index = self._days.get(day)
                if index is None:
                    index = self._days[day] = self._build_day(day)
        return index

    def _build_day(self, day: dt.date) -> DayIndex:
        index = DayIndex(day)
        if not self.start <= day <= self.today:
            return index
        lo, hi = day_start_ms(day), min(day_start_ms(day) + MS_PER_DAY, self.now_ms + 1)
        found: list[Status] = []
        for bid in self.config.brands:
            found += self._all_posts(bid, day)
            for back in range(THREAD_LOOKBACK_DAYS + 1):
                for post in self._all_posts(bid, day - dt.timedelta(days=back)):
                    found += [s for s in self._all_replies(post) if lo <= s.ms < hi]
            found += self.generator.mentions(bid, day)
        found += self.generator.noise(day)
        found = sorted((s for s in found if lo <= s.ms < hi), key=lambda s: (s.ms, s.key))
        # Snowflake ids: the millisecond, then a sequence number unique within it.
        previous_ms, seq = -1, 0
        for st in found:
            seq = seq + 1 if st.ms == previous_ms else 0
            previous_ms = st.ms
            st.id = snowflake(st.ms, seq)
            index.add(st)
        return index

    def statuses_on(self, day: dt.date) -> list[Status]:
        return self.day(day).statuses

    def status(self, status_id: int) -> Status | None:
        ms = status_id >> 16
        if not day_start_ms(self.start) <= ms <= self.now_ms:
            return None
        return self.day(day_of_ms(ms)).by_id.get(status_id)

    def posts(self, bid: str, day: dt.date) -> list[Status]:
        """The brand's visible top-level posts created on the day."""
        account = self.brand_accounts.get(bid)
        if account is None:
            return []
        return [s for s in self.day(day).by_account.get(account.id, []) if s.kind == "post"]

    # -- threads ---------------------------------------------------------------------------------------

    def replies(self, status: Status) -> list[Status]:
        """Visible direct replies, oldest first."""
        if status.kind == "post":
            self._all_replies(status)
        return [c for c in status.children if c.ms <= self.now_ms]

    def descendants(self, status: Status) -> list[Status]:
        """The whole visible reply tree, depth-first, each level oldest first (as Mastodon's context)."""
        out: list[Status] = []
        stack = list(reversed(self.replies(status)))
        while stack:
            st = stack.pop()
            out.append(st)
            stack.extend(reversed(self.replies(st)))
        self._number(out)
        return out

    def ancestors(self, status: Status) -> list[Status]:
        chain = []
        parent = status.parent
        while parent is not None:
            chain.append(parent)
            parent = parent.parent
        chain.reverse()
        self._number(chain)
        return chain

    def _number(self, statuses: list[Status]) -> None:
        # Ids are handed out day by day: make sure the days of these statuses are indexed.
        for day in {day_of_ms(s.ms) for s in statuses}:
            self.day(day)

    # -- counters as of now ------------------------------------------------------------------------------

    def engagement(self, status: Status) -> tuple[int, int]:
        """(favourites, reblogs) as of now: they accrue over the first hours of a status's life."""
        grown = 1 - math.exp(-(self.now_ms - status.ms) / (6 * HOUR_MS))
        return int(status.favourites * grown), int(status.reblogs * grown)

    def followers_end_of_day(self, bid: str, day: dt.date) -> int:
        if day < ANCHOR_DAY:
            base = self.generator.profiles[bid].followers_base
            lost = sum(
                self.generator.net_follows(bid, ANCHOR_DAY - dt.timedelta(days=k))
                for k in range((ANCHOR_DAY - day).days)
            )
            return max(0, base - lost)
        with self._lock:
            totals = self._follow_totals.setdefault(bid, [self.generator.profiles[bid].followers_base])
            while len(totals) <= (day - ANCHOR_DAY).days:
                nxt = ANCHOR_DAY + dt.timedelta(days=len(totals))
                totals.append(max(0, totals[-1] + self.generator.net_follows(bid, nxt)))
            return totals[(day - ANCHOR_DAY).days]

    def followers_at(self, bid: str, ms: int) -> int:
        """Followers at a moment: the day's net change accrues evenly over the day."""
        day = day_of_ms(ms)
        before = self.followers_end_of_day(bid, day - dt.timedelta(days=1))
        after = self.followers_end_of_day(bid, day)
        return before + int((after - before) * (ms - day_start_ms(day)) / MS_PER_DAY)

    def followers_count(self, account: Account) -> int:
        return self.followers_at(account.brand_id, self.now_ms) if account.brand_id else account.followers

    def statuses_count(self, account: Account) -> int:
        if account.brand_id is None:
            return account.statuses_count
        bid = account.brand_id
        if bid not in self._statuses_count:
            count = 0
            for day in self.days():
                for post in self._all_posts(bid, day):
                    count += post.ms <= self.now_ms
                    count += sum(
                        1 for s in self._all_replies(post) if s.account is account and s.ms <= self.now_ms
                    )
            self._statuses_count[bid] = count
        return self._statuses_count[bid]

    # -- timelines -----------------------------------------------------------------------------------------

    def _day_of_id(self, status_id: int) -> dt.date:
        ms = status_id >> 16
        if ms > self.now_ms:
            return self.today + dt.timedelta(days=1)
        if ms < day_start_ms(self.start):
            return self.start - dt.timedelta(days=1)
        return day_of_ms(ms)

    def page(
        self,
        pick: Callable[[DayIndex], list[Status] | None],
        limit: int,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        keep: Callable[[Status], bool] | None = None,
    ) -> list[Status]:
        """A Mastodon page, newest first: ids < max_id and > since_id; with min_id, the `limit` statuses
        immediately newer than min_id. `pick` chooses a day's candidate list (in id order)."""
        out: list[Status] = []
        one_day = dt.timedelta(days=1)
        if min_id is not None:
            day = max(self.start, self._day_of_id(min_id))
            last = self.today if max_id is None else min(self.today, self._day_of_id(max_id))
            while day <= last and len(out) < limit:
                candidates = pick(self.day(day)) or []
                for st in candidates[bisect_right(candidates, min_id, key=_id) :]:
                    if max_id is not None and st.id >= max_id:
                        break
                    if keep is None or keep(st):
                        out.append(st)
                        if len(out) == limit:
                            break
                day += one_day
            out.reverse()
            return out
        day = self.today if max_id is None else min(self.today, self._day_of_id(max_id))
        first = self.start if since_id is None else max(self.start, self._day_of_id(since_id))
        while day >= first:
            candidates = pick(self.day(day)) or []
            top = len(candidates) if max_id is None else bisect_left(candidates, max_id, key=_id)
            for i in range(top - 1, -1, -1):
                st = candidates[i]
                if since_id is not None and st.id <= since_id:
                    return out
                if keep is None or keep(st):
                    out.append(st)
                    if len(out) == limit:
                        return out
            day -= one_day
        return out

    def account_statuses(
        self,
        account: Account,
        limit: int,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        exclude_replies: bool = False,
    ) -> list[Status]:
        def keep(st: Status) -> bool:
            # Mastodon's exclude_replies still keeps replies to oneself (threads).
            return st.parent is None or st.parent.account.id == account.id

        return self.page(
            lambda d: d.by_account.get(account.id),
            limit,
            max_id,
            since_id,
            min_id,
            keep if exclude_replies else None,
        )

    def tag_timeline(
        self,
        tag: str,
        limit: int,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
    ) -> list[Status]:
        name = tag.lstrip("#").lower()
        return self.page(lambda d: d.by_tag.get(name), limit, max_id, since_id, min_id)

    def search_statuses(
        self, q: str, limit: int, offset: int = 0, max_id: int | None = None, min_id: int | None = None
    ) -> list[Status]:
        """Full-text search, newest first: whole words or phrase, case-insensitive; '@handle' finds the
        statuses that mention the account, '#tag' the statuses carrying the tag. min_id is a lower bound."""
        q = q.strip()
        want = offset + limit
        if q.startswith("@"):
            account = self.lookup(q)
            if account is None:
                return []
            found = self.page(lambda d: d.by_mention.get(account.id), want, max_id, since_id=min_id)
        elif q.startswith("#") and WORD.fullmatch(q[1:]):
            found = self.page(lambda d: d.by_tag.get(q[1:].lower()), want, max_id, since_id=min_id)
        else:
            words = WORD.findall(q.lower())
            if not words:
                return []
            phrase = re.compile(r"(?<!\w)" + re.escape(q) + r"(?!\w)", re.IGNORECASE)

            def rarest(d: DayIndex) -> list[Status]:
                return min((d.by_word.get(w, []) for w in words), key=len)

            found = self.page(
                rarest, want, max_id, since_id=min_id, keep=lambda s: bool(phrase.search(s.text))
            )
        return found[offset:]
