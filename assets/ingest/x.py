"""X (Twitter) connector, API v2: fetch a day's pages into the landing zone, then parse landed pages.

Day windows are the API's own start_time/end_time (start inclusive, end exclusive), so no page walk has to
stop by itself: every endpoint is followed through meta.next_token to the end.

  posts     /2/users/:id/tweets, exclude=replies,retweets              next_token -> pagination_token
  comments  /2/tweets/search/recent?query=conversation_id:<post id>    next_token -> next_token
            (X has no reply-tree endpoint: a conversation search returns every reply under the post,
            whoever wrote it; referenced_tweets[type=replied_to] names the parent)
  mentions  /2/tweets/search/recent?query=(terms) -from:<handle>       next_token -> next_token
  accounts  /2/users/by/username/:username?user.fields=public_metrics

Recent search reaches 7 days back only. Comments and mentions of a day that starts earlier than that cannot
be fetched: the connector raises SearchWindowError naming the day rather than landing an empty day, which
would read as "nobody said anything" (a false 0). Such days can only come from the landing zone. The
limit is judged by the server's clock (the Date header of the account look-up), not ours.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator

from .connector import Connector
from .http_core import ApiError, Response, cursor_in_body
from .landing import LandedPage
from .records import (
    OutOfReach,
    day_bounds,
    parse_time,
    quarantined,
    time_or_none,
    whole_threads_wanted,
)

PLATFORM = "x"
RATE_LIMIT_STYLE = "epoch"  # x-rate-limit-reset is epoch seconds
LIVE_BASE_URL = ("X_BASE_URL", "https://api.twitter.com")
LIVE_CREDENTIALS = ("X_BEARER_TOKEN",)  # app-only bearer token: enough for every read used here
PAGE_SIZE = 100  # the maximum max_results of timelines and recent search
SEARCH_REACH = dt.timedelta(days=7)
# Margins: recent search wants end_time at least 10 s before the request, and the start must stay inside
# the 7 days when the request arrives, a little after the clock was read.
END_MARGIN = dt.timedelta(seconds=10)
START_MARGIN = dt.timedelta(minutes=5)
TWEET_FIELDS = (
    "created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,entities,lang,author_id"
)
USER_FIELDS = "public_metrics"
TWEPOCH_MS = 1288834974657  # X's snowflake epoch, 2010-11-04T01:42:54.657Z
NEXT_TIMELINE = cursor_in_body(("meta", "next_token"), "pagination_token")
NEXT_SEARCH = cursor_in_body(("meta", "next_token"), "next_token")


def http_options(credentials: dict[str, str]) -> dict:
    return {"token": credentials.get("X_BEARER_TOKEN")}


class SearchWindowError(ApiError, OutOfReach):
    """A day recent search cannot reach: its comments and mentions can only come from the landing zone."""


def id_time(tweet_id: str) -> dt.datetime:
    """When a tweet id was minted: X ids are snowflakes, milliseconds since X's epoch above bit 22."""
    return dt.datetime.fromtimestamp(((int(tweet_id) >> 22) + TWEPOCH_MS) / 1000, dt.UTC)


def x_time(ts: dt.datetime) -> str:
    """X's RFC 3339 form for start_time/end_time, seconds precision."""
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def search_query(terms: list[str], own_handle: str | None) -> str:
    """One query per brand: any of its terms, not by the brand itself, no retweets (a retweet repeats
    another post's text and would count it twice)."""
    quoted = [f'"{t}"' if any(not (c.isalnum() or c in "_#@") for c in t) else t for t in terms]
    query = "(" + " OR ".join(quoted) + ")"
    if own_handle:
        query += f" -from:{own_handle}"
    return query + " -is:retweet"


class XConnector(Connector):
    platform = PLATFORM

    # ---- fetching: API -> landed pages -------------------------------------------------------------

    def _lookup(self, handle: str) -> Response:
        if handle not in self._lookups:
            resp = self.http.get(f"/2/users/by/username/{handle}", {"user.fields": USER_FIELDS})
            if "data" not in resp.json():
                # X answers an unknown or suspended user with HTTP 200 and an "errors" list.
                errors = resp.json().get("errors") or [{}]
                raise ApiError(
                    PLATFORM, "/2/users/by/username", resp.status, errors[0].get("detail", resp.text)
                )
            self._lookups[handle] = resp
        return self._lookups[handle]

    def _account_pages(self, entity: str, day: dt.date) -> list[LandedPage]:
        return [
            LandedPage.of(self._lookup(h), PLATFORM, entity, day, "account", {"brand_id": b, "handle": h})
            for b, h in self.accounts.items()
        ]

    def _server_now(self) -> dt.datetime | None:
        """The platform's clock, from the Date header of a look-up (None when no account is tracked)."""
        for resp in self._lookups.values():
            date = next((v for k, v in resp.headers.items() if k.lower() == "date"), None)
            if date:
                return email.utils.parsedate_to_datetime(date).astimezone(dt.UTC)
        return None

    def _search_window(
        self,
        start: dt.datetime,
        end: dt.datetime,
        days: list[dt.date],
        reach_back_to: dt.datetime | None = None,
    ) -> tuple[str, str]:
        """start_time/end_time of a recent search over [start, end), or SearchWindowError; with
        `reach_back_to`, the window starts there instead, or as far back as search reaches."""
        now = self._server_now() or dt.datetime.now(dt.UTC)
        earliest = now - SEARCH_REACH + START_MARGIN
        if start < earliest:
            old = [d.isoformat() for d in days if day_bounds(d)[0] < earliest]
            raise SearchWindowError(
                PLATFORM,
                "/2/tweets/search/recent",
                None,
                f"day(s) {', '.join(old)} start before {x_time(earliest)}: recent search reaches 7 days back "
                "only, so their comments and mentions cannot be fetched (re-derive them from the landing "
                "zone if they were landed)",
            )
        if reach_back_to is not None:
            start = min(start, max(reach_back_to, earliest))
        return x_time(start), x_time(min(end, now - END_MARGIN))

    def _timeline(self, user_id: str, start: dt.datetime, end: dt.datetime) -> Iterator[Response]:
        """Pages of an account's own tweets (no replies, no retweets) created in [start, end)."""
        now = self._server_now()
        if now is not None:  # today's window would end in the future: stop at the server's present
            end = min(end, now - END_MARGIN)
        params = {
            "start_time": x_time(start),
            "end_time": x_time(end),
            "max_results": PAGE_SIZE,
            "exclude": "replies,retweets",
            "tweet.fields": TWEET_FIELDS,
        }
        yield from self.http.paginate(f"/2/users/{user_id}/tweets", params, NEXT_TIMELINE)

    def _search(self, query: str, start_time: str, end_time: str) -> Iterator[Response]:
        params = {
            "query": query,
            "start_time": start_time,
            "end_time": end_time,
            "max_results": PAGE_SIZE,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        yield from self.http.paginate("/2/tweets/search/recent", params, NEXT_SEARCH)

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            account = self._lookup(handle)
            pages.append(
                LandedPage.of(
                    account, PLATFORM, "posts", day, "account", {"brand_id": brand_id, "handle": handle}
                )
            )
            user_id = account.json()["data"]["id"]
            ctx = {"brand_id": brand_id, "handle": handle, "account_id": user_id}
            pages += [
                LandedPage.of(r, PLATFORM, "posts", day, "tweets", ctx)
                for r in self._timeline(user_id, start, end)
            ]
        return pages

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Replies created on each day under the tracked accounts' posts of the `lookback_days` before it.

        One listing and one conversation search per post serve every day of the range; each day's landing
        still gets every page it needs to be re-derived on its own.
        """
        posts_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for handle in self.accounts.values():
            self._lookup(handle)  # the server's clock, before judging the search window
        # A poll wants whole threads: replies as old as the lookback's posts, as far as search reaches.
        reach_back_to = posts_start if whole_threads_wanted() else None
        start_time, end_time = self._search_window(day_bounds(min(days))[0], window_end, days, reach_back_to)
        for brand_id, handle in self.accounts.items():
            account = self._lookup(handle)
            user_id = account.json()["data"]["id"]
            ctx = {"brand_id": brand_id, "handle": handle, "account_id": user_id}
            listing = list(self._timeline(user_id, posts_start, window_end))
            # tweets whose time is missing or unreadable are quarantined by parse_posts, not followed here
            posts = [
                t for r in listing for t in r.json().get("data") or [] if time_or_none(t.get("created_at"))
            ]
            conversations = {
                t["id"]: list(self._search(f"conversation_id:{t['id']}", start_time, end_time)) for t in posts
            }
            for d in days:
                out[d].append(
                    LandedPage.of(
                        account, PLATFORM, "comments", d, "account", {"brand_id": brand_id, "handle": handle}
                    )
                )
                out[d].extend(LandedPage.of(r, PLATFORM, "comments", d, "tweets", ctx) for r in listing)
                for t in posts:
                    if self.in_lookback(d, parse_time(t["created_at"])):
                        out[d].extend(
                            LandedPage.of(
                                r,
                                PLATFORM,
                                "comments",
                                d,
                                "conversation",
                                {"brand_id": brand_id, "post_id": t["id"]},
                            )
                            for r in conversations[t["id"]]
                        )
        return out

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = self._account_pages("mentions", day)  # the tracked ids, and the server's clock
        start_time, end_time = self._search_window(start, end, [day])
        for brand in self.config.brands.values():
            handle = self.accounts.get(brand.brand_id)
            terms = [*brand.keywords, *(f"#{t}" for t in brand.hashtags), *([f"@{handle}"] if handle else [])]
            if not terms:
                continue
            query = search_query(terms, handle)
            pages += [
                LandedPage.of(
                    r, PLATFORM, "mentions", day, "search", {"brand_id": brand.brand_id, "term": query}
                )
                for r in self._search(query, start_time, end_time)
            ]
        return pages

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        return self._account_pages("account_snapshots", day)

    # ---- parsing: landed pages -> canonical records --------------------------------------------------

    def _tracked(self, pages: list[LandedPage]) -> dict[str, str]:
        """user id -> brand id, from the account look-ups landed with the day."""
        out = {}
        for p in pages:
            user = p.json().get("data") if p.kind == "account" else None
            if isinstance(user, dict) and "id" in user:
                out[str(user["id"])] = p.context["brand_id"]
        return out

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        records, bad = [], []
        for page, tweet, _users in _tweets(pages, "tweets", bad):
            try:
                created = _created(tweet)
                if not start <= created < end:
                    continue
                handle = page.context["handle"]
                metrics = tweet.get("public_metrics") or {}
                records.append(
                    {
                        "platform": PLATFORM,
                        "post_id": str(tweet["id"]),
                        "brand_id": page.context["brand_id"],
                        "account_id": str(tweet.get("author_id") or page.context["account_id"]),
                        "account_handle": handle,
                        "created_at": created,
                        "text": tweet["text"],
                        "lang": tweet.get("lang"),
                        "url": f"https://x.com/{handle}/status/{tweet['id']}",
                        "post_type": _post_type(tweet),
                        "hashtags": _hashtags(tweet),
                        "like_count": metrics.get("like_count"),
                        "share_count": metrics.get("retweet_count"),
                        "reply_count": metrics.get("reply_count"),
                        "view_count": metrics.get("impression_count"),  # None when X does not report it
                    }
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(tweet, page, exc))
        return records, bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        records: dict[str, dict] = {}
        bad = []
        for page, tweet, users in _tweets(pages, "conversation", bad):
            root_id = str(page.context["post_id"])
            try:
                tid = str(tweet["id"])
                if tid == root_id or tid in records:
                    continue  # the search also returns the post itself, whose conversation_id is its own id
                created = _created(tweet)
                if not start <= created < end:
                    continue
                author = str(tweet["author_id"])
                is_tracked = author in tracked
                records[tid] = {
                    "platform": PLATFORM,
                    "comment_id": tid,
                    "post_id": root_id,
                    "parent_id": _replied_to(tweet) or root_id,
                    "brand_id": page.context["brand_id"],
                    "author_id": author if is_tracked else self.pseudonymize(PLATFORM, author),
                    "author_handle": (users.get(author) or {}).get("username") if is_tracked else None,
                    "is_from_tracked_account": is_tracked,
                    "created_at": created,
                    "text": tweet["text"],
                    "lang": tweet.get("lang"),
                    "like_count": (tweet.get("public_metrics") or {}).get("like_count"),
                    "reply_count": (tweet.get("public_metrics") or {}).get("reply_count"),
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(tweet, page, exc))
        return list(records.values()), bad

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        by_handle = {h.lower(): b for b, h in self.accounts.items()}
        records: dict[tuple[str, str], dict] = {}
        bad = []
        seen: set[str] = set()
        for page, tweet, users in _tweets(pages, "search", bad):
            try:
                tid = str(tweet["id"])
                if tid in seen:
                    continue  # found again by another brand's query: the matcher already saw every brand
                created = _created(tweet)
                if not start <= created < end:
                    continue
                author = str(tweet["author_id"])
                user = users.get(author) or {}
                own_brand = tracked.get(author) or by_handle.get((user.get("username") or "").lower())
                handles = [m["username"] for m in (tweet.get("entities") or {}).get("mentions") or []]
                hashtags = _hashtags(tweet)
                metrics = tweet.get("public_metrics") or {}
                seen.add(tid)
                for m in self.matcher.match(tweet["text"], hashtags, handles):
                    if m.brand_id == own_brand:
                        continue  # a brand's own post is not a mention of it
                    records[(tid, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": tid,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": author if own_brand else self.pseudonymize(PLATFORM, author),
                        "author_handle": user.get("username") if own_brand else None,
                        "author_followers": (user.get("public_metrics") or {}).get("followers_count"),
                        "created_at": created,
                        "text": tweet["text"],
                        "lang": tweet.get("lang"),
                        # The id-only form: a member's handle must not reach the marts through a URL.
                        "url": f"https://x.com/i/web/status/{tid}",
                        "hashtags": hashtags,
                        "like_count": metrics.get("like_count"),
                        "share_count": metrics.get("retweet_count"),
                        "reply_count": metrics.get("reply_count"),
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(tweet, page, exc))
        return list(records.values()), bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        user = page.json()["data"]
        metrics = user.get("public_metrics") or {}
        return [
            {
                "account_id": str(user["id"]),
                "account_handle": user.get("username"),
                "followers": metrics.get("followers_count"),
                "following": metrics.get("following_count"),
                "posts_count": metrics.get("tweet_count"),
            }
        ]


def _created(tweet: dict) -> dt.datetime:
    """created_at, or why not. The id's snowflake time is only quoted in the reason: a partition is decided
    by what the platform says, and a page without the field is a request that went wrong."""
    if "created_at" not in tweet:
        try:
            minted = f" (its id was minted at {id_time(tweet['id']).isoformat()})"
        except (KeyError, TypeError, ValueError):
            minted = ""
        raise ValueError(
            f"created_at missing: a tweet without it cannot be placed in a day{minted}; "
            "was tweet.fields=created_at requested?"
        )
    return parse_time(tweet["created_at"])


def _replied_to(tweet: dict) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if ref.get("type") == "replied_to":
            return str(ref["id"])
    return None


def _post_type(tweet: dict) -> str:
    types = {ref.get("type") for ref in tweet.get("referenced_tweets") or []}
    if "retweeted" in types:
        return "repost"
    if "quoted" in types:
        return "quote"
    if "replied_to" in types:
        return "reply"
    return "post"


def _hashtags(tweet: dict) -> list[str]:
    return [h["tag"] for h in (tweet.get("entities") or {}).get("hashtags") or []]


def _tweets(pages: list[LandedPage], kind: str, bad: list[dict]):
    """(page, tweet, users by id) for every tweet of the pages of one kind; broken pages are quarantined."""
    for page in pages:
        if page.kind != kind:
            continue
        try:
            body = page.json()
            if not isinstance(body, dict):
                raise ValueError("page is not a JSON object")
        except ValueError as exc:
            bad.append(quarantined(page.body, page, exc))
            continue
        items = body.get("data")
        if items is None:
            if body.get("errors"):  # a page-level failure sent with HTTP 200, e.g. a suspended account
                bad.append(
                    quarantined(body, page, ValueError(f"X reported: {body['errors'][0].get('detail')}"))
                )
            continue  # {"meta": {"result_count": 0}}: X's empty page
        if not isinstance(items, list):
            bad.append(quarantined(page.body, page, ValueError("page data is not a list of tweets")))
            continue
        users = {
            str(u.get("id")): u
            for u in (body.get("includes") or {}).get("users") or []
            if isinstance(u, dict)
        }
        for tweet in items:
            if not isinstance(tweet, dict):
                bad.append(quarantined(tweet, page, ValueError("tweet is not an object")))
                continue
            yield page, tweet, users


Connector = XConnector
