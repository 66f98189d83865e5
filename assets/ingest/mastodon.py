"""Mastodon connector: fetch a day's pages into the landing zone, then parse landed pages into canonical records.

Fetching and parsing are separate on purpose: a fresh run and a backfill that re-derives from the landing
zone go through the same parser. Day windows use Mastodon's snowflake ids (unix ms << 16): statuses of day D
are the pages below max_id = id(D+1 00:00Z), followed through Link rel="next" until they reach day D-1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .connector import Connector, page_items
from .http_core import Response, next_from_link, stop_before
from .landing import LandedPage
from .records import (
    day_bounds,
    html_to_text,
    parse_time,
    quarantined,
    time_or_none,
)

PLATFORM = "mastodon"
PAGE_LIMIT = 40  # Mastodon's maximum for timelines and search
RATE_LIMIT_STYLE = "iso"  # X-RateLimit-Reset is an ISO 8601 time
LIVE_BASE_URL = ("MASTODON_BASE_URL", None)  # the instance, e.g. https://mastodon.social
LIVE_CREDENTIALS = ("MASTODON_ACCESS_TOKEN",)  # search needs an authenticated user


def http_options(credentials: dict[str, str]) -> dict:
    return {"token": credentials.get("MASTODON_ACCESS_TOKEN")}


def snowflake_floor(ts: dt.datetime) -> str:
    """The smallest Mastodon id a status created at `ts` can have."""
    return str(int(ts.timestamp() * 1000) << 16)


class MastodonConnector(Connector):
    platform = PLATFORM

    # ---- fetching: API -> landed pages -------------------------------------------------------------

    def _lookup(self, handle: str) -> Response:
        if handle not in self._lookups:
            self._lookups[handle] = self.http.get("/api/v1/accounts/lookup", {"acct": handle})
        return self._lookups[handle]

    def _account_page(self, entity: str, day: dt.date, brand_id: str, handle: str) -> LandedPage:
        return LandedPage.of(
            self._lookup(handle), PLATFORM, entity, day, "account", {"brand_id": brand_id, "handle": handle}
        )

    def _statuses_between(self, account_id: str, start: dt.datetime, end: dt.datetime) -> Iterator[Response]:
        """Pages of an account's own statuses (no replies to others) created in [start, end)."""
        params = {"limit": PAGE_LIMIT, "max_id": snowflake_floor(end), "exclude_replies": "true"}
        yield from self.http.paginate(
            f"/api/v1/accounts/{account_id}/statuses", params, _newest_first(start, next_from_link)
        )

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            account = self._account_page("posts", day, brand_id, handle)
            pages.append(account)
            for resp in self._statuses_between(account.json()["id"], start, end):
                pages.append(LandedPage.of(resp, PLATFORM, "posts", day, "statuses", {"brand_id": brand_id}))
        return pages

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Replies created on each day under the tracked accounts' posts of the `lookback_days` before it.

        One listing and one context request per post serve every day of the range; each day's landing
        still gets every page it needs to be re-derived on its own.
        """
        window_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for brand_id, handle in self.accounts.items():
            account_resp = self._lookup(handle)
            account_id = account_resp.json()["id"]
            listing = list(self._statuses_between(account_id, window_start, window_end))
            posts = [
                s
                for r in listing
                for s in r.json()
                # a post whose time is unreadable cannot be placed: parse_posts quarantines it, and its
                # thread is not followed (its replies cannot be told inside or outside the lookback)
                if window_start <= (time_or_none(s.get("created_at")) or window_end) < window_end
            ]
            contexts = {
                s["id"]: self.http.get(f"/api/v1/statuses/{s['id']}/context")
                for s in posts
                if not s.get("reblog")
            }
            for d in days:
                ctx = {"brand_id": brand_id, "handle": handle}
                out[d].append(LandedPage.of(account_resp, PLATFORM, "comments", d, "account", ctx))
                out[d].extend(
                    LandedPage.of(r, PLATFORM, "comments", d, "statuses", {"brand_id": brand_id})
                    for r in listing
                )
                for s in posts:
                    if s["id"] in contexts and self.in_lookback(d, parse_time(s["created_at"])):
                        out[d].append(
                            LandedPage.of(
                                contexts[s["id"]],
                                PLATFORM,
                                "comments",
                                d,
                                "context",
                                {"brand_id": brand_id, "post_id": s["id"]},
                            )
                        )
        return out

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = []
        for brand in self.config.brands.values():
            for tag in brand.hashtags:
                params = {"limit": PAGE_LIMIT, "max_id": snowflake_floor(end)}
                for resp in self.http.paginate(
                    f"/api/v1/timelines/tag/{tag}", params, _newest_first(start, next_from_link)
                ):
                    pages.append(
                        LandedPage.of(
                            resp, PLATFORM, "mentions", day, "tag", {"brand_id": brand.brand_id, "term": tag}
                        )
                    )
            terms = list(brand.keywords)
            if PLATFORM in brand.accounts:
                terms.append("@" + brand.accounts[PLATFORM])
            for term in terms:
                params = {"q": term, "type": "statuses", "limit": PAGE_LIMIT, "max_id": snowflake_floor(end)}
                for resp in self.http.paginate(
                    "/api/v2/search", params, _newest_first(start, _next_search_page, "statuses")
                ):
                    pages.append(
                        LandedPage.of(
                            resp,
                            PLATFORM,
                            "mentions",
                            day,
                            "search",
                            {"brand_id": brand.brand_id, "term": term},
                        )
                    )
        return pages

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        return [self._account_page("account_snapshots", day, b, h) for b, h in self.accounts.items()]

    # ---- parsing: landed pages -> canonical records --------------------------------------------------

    def _tracked_ids(self, pages: list[LandedPage]) -> dict[str, str]:
        """account id -> brand id, from the account look-ups landed with the day."""
        out = {}
        for p in pages:
            if p.kind == "account":
                out[str(p.json()["id"])] = p.context["brand_id"]
        return out

    def _author(self, account: dict, tracked: dict[str, str]) -> tuple[str, str | None]:
        """(author_id, author_handle): real for tracked accounts, a pseudonym and no handle for the public."""
        aid = str(account["id"])
        if aid in tracked:
            return aid, account.get("acct")
        return self.pseudonymize(PLATFORM, aid), None

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        records, bad = [], []
        for page, status in _statuses(pages, "statuses", bad):
            try:
                created = parse_time(status.get("created_at"))
                if not start <= created < end:
                    continue
                account = status["account"]
                records.append(
                    {
                        "platform": PLATFORM,
                        "post_id": str(status["id"]),
                        "brand_id": page.context["brand_id"],
                        "account_id": str(account["id"]),
                        "account_handle": account.get("acct"),
                        "created_at": created,
                        "text": html_to_text(status.get("content") or ""),
                        "lang": status.get("language"),
                        "url": status.get("url") or status.get("uri"),
                        "post_type": _post_type(status),
                        "hashtags": [t["name"] for t in status.get("tags") or []],
                        "like_count": status.get("favourites_count"),
                        "share_count": status.get("reblogs_count"),
                        "reply_count": status.get("replies_count"),
                        "view_count": None,  # Mastodon reports no impressions
                    }
                )
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(quarantined(status, page, exc))
        return records, bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked_ids(pages)
        records, bad = [], []
        for page in pages:
            if page.kind != "context":
                continue
            root_id = page.context["post_id"]
            try:
                descendants = page.json()["descendants"]
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(quarantined(page.body, page, exc))
                continue
            for status in descendants:
                try:
                    created = parse_time(status.get("created_at"))
                    if not start <= created < end:
                        continue
                    author_id, author_handle = self._author(status["account"], tracked)
                    records.append(
                        {
                            "platform": PLATFORM,
                            "comment_id": str(status["id"]),
                            "post_id": str(root_id),
                            "parent_id": str(status.get("in_reply_to_id") or root_id),
                            "brand_id": page.context["brand_id"],
                            "author_id": author_id,
                            "author_handle": author_handle,
                            "is_from_tracked_account": str(status["account"]["id"]) in tracked,
                            "created_at": created,
                            "text": html_to_text(status.get("content") or ""),
                            "lang": status.get("language"),
                            "like_count": status.get("favourites_count"),
                            "reply_count": status.get("replies_count"),
                        }
                    )
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    bad.append(quarantined(status, page, exc))
        return records, bad

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        own_accounts = {}  # brand id -> handle, to leave out a brand's own statuses
        for brand_id, handle in self.accounts.items():
            own_accounts[handle.lower()] = brand_id
        records: dict[tuple[str, str], dict] = {}
        bad = []
        seen: set[str] = set()
        for page, status in _statuses(pages, ("tag", "search"), bad):
            try:
                sid = str(status["id"])
                if sid in seen:
                    continue
                created = parse_time(status.get("created_at"))
                if not start <= created < end:
                    continue
                seen.add(sid)
                account = status["account"]
                author_acct = (account.get("acct") or "").lower()
                text = html_to_text(status.get("content") or "")
                hashtags = [t["name"] for t in status.get("tags") or []]
                handles = [m["acct"] for m in status.get("mentions") or []]
                for m in self.matcher.match(text, hashtags, handles):
                    if own_accounts.get(author_acct) == m.brand_id:
                        continue  # a brand's own post is not a mention of it
                    author_id = self.pseudonymize(PLATFORM, str(account["id"]))
                    if author_acct in own_accounts:
                        author_id = str(account["id"])
                    records[(sid, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": sid,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": author_id,
                        "author_handle": account.get("acct") if author_acct in own_accounts else None,
                        "author_followers": account.get("followers_count"),
                        "created_at": created,
                        "text": text,
                        "lang": status.get("language"),
                        "url": status.get("url") or status.get("uri"),
                        "hashtags": hashtags,
                        "like_count": status.get("favourites_count"),
                        "share_count": status.get("reblogs_count"),
                        "reply_count": status.get("replies_count"),
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(status, page, exc))
        return list(records.values()), bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        acc = page.json()
        return [
            {
                "account_id": str(acc["id"]),
                "account_handle": acc.get("acct"),
                "followers": acc.get("followers_count"),
                "following": acc.get("following_count"),
                "posts_count": acc.get("statuses_count"),
            }
        ]


def _post_type(status: dict) -> str:
    if status.get("reblog"):
        return "repost"
    if status.get("quote") or status.get("quote_id"):
        return "quote"
    if status.get("in_reply_to_id"):
        return "reply"
    return "post"


def _statuses(pages: list[LandedPage], kinds, bad: list[dict]):
    """Statuses of timeline pages (a list) and of search pages ({"statuses": [...]})."""
    return page_items(
        pages, kinds, bad, lambda body: body.get("statuses") if isinstance(body, dict) else body, "statuses"
    )


def _newest_first(start: dt.datetime, follow, list_key: str | None = None):
    """Timelines and search come newest first: stop at the first page that reaches the day before."""
    return stop_before(
        start,
        follow,
        items=lambda body: (body.get(list_key) if isinstance(body, dict) else None) if list_key else body,
        created_at=lambda status: parse_time(status["created_at"]),
    )


def _next_search_page(page: Response):
    """Search has no Link header: the next page is below the oldest id of this one."""
    statuses = page.json().get("statuses") or []
    if len(statuses) < PAGE_LIMIT:
        return None
    oldest = min(statuses, key=lambda s: int(s["id"]))["id"]
    return page.request_path, {**page.request_params, "max_id": oldest}


Connector = MastodonConnector
