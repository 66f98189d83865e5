"""Bluesky connector (AT Protocol XRPC over the AppView): fetch a day's pages, then parse landed pages.

Bluesky has no id that dates a post (rkeys are client-chosen), so day windows come from time: the author feed
is walked newest first (opaque cursor in the body) until it reaches items sorted before the day, and search
takes since/until. Feeds and search sort on the AppView's sortAt (the earlier of createdAt and indexedAt), so
every walk reaches CLOCK_SKEW further back than the day; parsers then keep what was created in the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .connector import Connector
from .http_core import Response, cursor_in_body, stop_before
from .landing import LandedPage
from .records import day_bounds, parse_time, quarantined

PLATFORM = "bluesky"
PAGE_LIMIT = 100  # the maximum of getAuthorFeed and searchPosts
THREAD_DEPTH = 10  # getPostThread levels per request; deeper replies are fetched from the cut-off node
PROFILES_PER_REQUEST = 25  # getProfiles' maximum
CLOCK_SKEW = dt.timedelta(hours=1)  # a post's createdAt (client clock) may lie after its sortAt
RATE_LIMIT_STYLE = "epoch"  # RateLimit-Reset is epoch seconds
LIVE_BASE_URL = ("BLUESKY_BASE_URL", "https://public.api.bsky.app")
# searchPosts is not served anonymously by the real AppView: a session with an app password is needed.
LIVE_CREDENTIALS = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
ENTRYWAY = "https://bsky.social"  # where sessions of bsky.social-hosted accounts are created

POST = "app.bsky.feed.post"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
REPOST = "app.bsky.feed.defs#reasonRepost"
QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")


def http_options(credentials: dict[str, str]) -> dict:
    # No static token: the connector opens a session (see BlueskyConnector._ensure_session).
    return {}


def xrpc(method: str) -> str:
    return f"/xrpc/{method}"


class BlueskyConnector(Connector):
    platform = PLATFORM
    thread_depth = THREAD_DEPTH
    session_host = ENTRYWAY

    def _setup(self) -> None:
        self._session_open = False
        self._profiles: dict[str, Response] = {}

    # ---- session -------------------------------------------------------------------------------------

    def _ensure_session(self) -> None:
        """With an app password (live mode), open a session on the account's PDS and send every request
        there: the PDS proxies app.bsky.* to the AppView with the user's auth, which search requires.
        Without credentials (sandbox, or the public AppView for everything but search) nothing happens."""
        handle = self._credentials.get("BLUESKY_HANDLE")
        password = self._credentials.get("BLUESKY_APP_PASSWORD")
        if self._session_open or not (handle and password):
            return
        resp = self.http.post(
            f"{self.session_host.rstrip('/')}{xrpc('com.atproto.server.createSession')}",
            json_body={"identifier": handle, "password": password},
        )
        session = resp.json()
        pds = next(
            (
                s.get("serviceEndpoint")
                for s in (session.get("didDoc") or {}).get("service") or []
                if s.get("id") == "#atproto_pds"
            ),
            None,
        )
        self.http.base_url = (pds or self.session_host).rstrip("/")
        self.http.session.headers["Authorization"] = f"Bearer {session['accessJwt']}"
        self._session_open = True

    # ---- fetching: API -> landed pages -------------------------------------------------------------

    def _profile(self, handle: str) -> Response:
        if handle not in self._profiles:
            self._profiles[handle] = self.http.get(xrpc("app.bsky.actor.getProfile"), {"actor": handle})
        return self._profiles[handle]

    def _account_page(self, entity: str, day: dt.date, brand_id: str, handle: str) -> LandedPage:
        return LandedPage.of(
            self._profile(handle), PLATFORM, entity, day, "account", {"brand_id": brand_id, "handle": handle}
        )

    def _feed_since(self, did: str, start: dt.datetime) -> Iterator[Response]:
        """Pages of an account's posts and reposts (no replies), newest first, until one sorts before start."""
        params = {"actor": did, "limit": PAGE_LIMIT, "filter": "posts_no_replies"}
        follow = stop_before(
            start - CLOCK_SKEW,
            cursor_in_body(("cursor",), "cursor"),
            items=lambda body: body.get("feed") if isinstance(body, dict) else None,
            created_at=_sort_time,
        )
        yield from self.http.paginate(xrpc("app.bsky.feed.getAuthorFeed"), params, follow)

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        self._ensure_session()
        start, _ = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            account = self._account_page("posts", day, brand_id, handle)
            pages.append(account)
            for resp in self._feed_since(account.json()["did"], start):
                pages.append(LandedPage.of(resp, PLATFORM, "posts", day, "feed", {"brand_id": brand_id}))
        return pages

    def fetch_posts_range(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Every day of a range from one feed walk per account back to its first day (a walk per day re-read
        the newer days each time: quadratic in the range). A day lands the account's profile, then the pages
        its own walk would have reached that hold its posts or anything the parser would quarantine."""
        self._ensure_session()
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        start = day_bounds(min(days))[0]
        for brand_id, handle in self.accounts.items():
            for d in days:
                out[d].append(self._account_page("posts", d, brand_id, handle))
            walk = list(self._feed_since(self._profile(handle).json()["did"], start))
            for d, responses in _feed_per_day(walk, days).items():
                out[d].extend(
                    LandedPage.of(r, PLATFORM, "posts", d, "feed", {"brand_id": brand_id}) for r in responses
                )
        return out

    def _thread(self, uri: str) -> list[Response]:
        """The whole reply tree under a post. getPostThread stops at `depth` levels: a node at the cut has
        replies (replyCount > 0) but no `replies` key, so its subtree is asked for in its own request."""
        out, todo = [], [uri]
        while todo:
            params = {"uri": todo.pop(), "depth": self.thread_depth, "parentHeight": 0}
            resp = self.http.get(xrpc("app.bsky.feed.getPostThread"), params)
            out.append(resp)
            top = resp.json().get("thread")
            todo += [n["post"]["uri"] for n in _walk(top) if _cut_off(n) and n is not top]
        return out

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Replies created on each day under the tracked accounts' posts of the `lookback_days` before it.

        One feed walk and one thread per post serve every day of the range; each day's landing still gets
        every page it needs to be re-derived on its own.
        """
        self._ensure_session()
        window_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for brand_id, handle in self.accounts.items():
            profile = self._profile(handle)
            did = profile.json()["did"]
            listing = list(self._feed_since(did, window_start))
            posts = []  # (uri, created) of the account's own posts in the window
            for r in listing:
                for item in r.json().get("feed") or []:
                    post = item.get("post") or {}
                    if item.get("reason") or (post.get("author") or {}).get("did") != did:
                        continue  # a repost's thread belongs to the reposted author
                    try:
                        created = _created(post)
                    except (KeyError, TypeError, ValueError):
                        continue  # the parser quarantines it from the listing
                    if window_start <= created < window_end:
                        posts.append((post["uri"], created, post.get("replyCount")))
            # A post nobody answered needs no thread request (replyCount 0 means an empty tree).
            threads = {uri: self._thread(uri) for uri, _, replies in posts if replies != 0}
            for d in days:
                ctx = {"brand_id": brand_id, "handle": handle}
                out[d].append(LandedPage.of(profile, PLATFORM, "comments", d, "account", ctx))
                out[d].extend(
                    LandedPage.of(r, PLATFORM, "comments", d, "feed", {"brand_id": brand_id}) for r in listing
                )
                for uri, created, _ in posts:
                    if uri in threads and self.in_lookback(d, created):
                        out[d].extend(
                            LandedPage.of(
                                r, PLATFORM, "comments", d, "thread", {"brand_id": brand_id, "post_id": uri}
                            )
                            for r in threads[uri]
                        )
        return out

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        self._ensure_session()
        start, end = day_bounds(day)
        pages = [self._account_page("mentions", day, b, h) for b, h in self.accounts.items()]
        for brand in self.config.brands.values():
            queries = [{"q": f'"{k}"' if " " in k else k} for k in brand.keywords]
            queries += [{"q": f"#{t}"} for t in brand.hashtags]
            handle = brand.accounts.get(PLATFORM)
            if handle:  # mention facets carry the DID; the AppView resolves the handle
                queries.append({"q": handle, "mentions": handle})
            for query in queries:
                params = {
                    **query,
                    "since": _iso(start - CLOCK_SKEW),
                    "until": _iso(end),
                    "sort": "latest",
                    "limit": PAGE_LIMIT,
                }
                for resp in self.http.paginate(
                    xrpc("app.bsky.feed.searchPosts"), params, cursor_in_body(("cursor",), "cursor")
                ):
                    pages.append(
                        LandedPage.of(
                            resp,
                            PLATFORM,
                            "mentions",
                            day,
                            "search",
                            {"brand_id": brand.brand_id, "term": query["q"]},
                        )
                    )
        pages += self._author_profiles(pages, day)
        return pages

    def _author_profiles(self, pages: list[LandedPage], day: dt.date) -> list[LandedPage]:
        """Search shows authors without follower counts: ask getProfiles for the day's authors."""
        start, end = day_bounds(day)
        dids: dict[str, None] = {}
        for _page, post in _posts(pages, ("search",), []):
            try:
                if start <= _created(post) < end:
                    dids[post["author"]["did"]] = None
            except (KeyError, TypeError, ValueError):
                continue
        found, wanted = [], list(dids)
        for i in range(0, len(wanted), PROFILES_PER_REQUEST):
            resp = self.http.get(
                xrpc("app.bsky.actor.getProfiles"), {"actors": wanted[i : i + PROFILES_PER_REQUEST]}
            )
            found.append(LandedPage.of(resp, PLATFORM, "mentions", day, "profiles", {}))
        return found

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        self._ensure_session()
        return [self._account_page("account_snapshots", day, b, h) for b, h in self.accounts.items()]

    # ---- parsing: landed pages -> canonical records --------------------------------------------------

    def _tracked(self, pages: list[LandedPage]) -> dict[str, str]:
        """DID -> brand id, from the profiles landed with the day."""
        return {p.json()["did"]: p.context["brand_id"] for p in pages if p.kind == "account"}

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        records: dict[str, dict] = {}
        bad: list[dict] = []
        for page, item in _items(pages, "feed", "feed", bad):
            try:
                post, reason = item["post"], item.get("reason")
                repost = bool(reason) and reason.get("$type", REPOST) == REPOST
                if repost:
                    # The feed shows the repost's time, not its record: the id is the repost record's
                    # uri when the AppView gives it, else the (reposter, subject) pair, unique by design.
                    by = reason["by"]
                    created = parse_time(reason["indexedAt"])
                    post_id = reason.get("uri") or f"repost:{by['did']}:{post['uri']}"
                    account = by
                else:
                    created, post_id, account = _created(post), post["uri"], post["author"]
                if not start <= created < end or post_id in records:
                    continue
                record = post["record"]
                records[post_id] = {
                    "platform": PLATFORM,
                    "post_id": post_id,
                    "brand_id": page.context["brand_id"],
                    "account_id": account["did"],
                    "account_handle": account.get("handle"),
                    "created_at": created,
                    "text": record.get("text") or "",
                    "lang": _lang(record),
                    "url": post_url(post),
                    "post_type": "repost" if repost else _post_type(record),
                    "hashtags": _hashtags(record),
                    # A repost record has no counters of its own; the reposted post's belong to its author.
                    "like_count": None if repost else post.get("likeCount"),
                    "share_count": None if repost else _shares(post),
                    "reply_count": None if repost else post.get("replyCount"),
                    "view_count": None,  # Bluesky reports no impressions
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(_bad(item, page, exc))
        return list(records.values()), bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        records: dict[str, dict] = {}
        bad: list[dict] = []
        for page in pages:
            if page.kind != "thread":
                continue
            root_id = page.context["post_id"]
            try:
                top = page.json()["thread"]
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(_bad(page.body, page, exc))
                continue
            for node in _walk(top):
                if node is top:
                    continue  # the root, or a subtree's anchor already read from the page above it
                post = node.get("post")
                if node.get("$type", THREAD_VIEW) != THREAD_VIEW or not isinstance(post, dict):
                    continue  # notFoundPost / blockedPost: deleted or hidden, nothing to read
                try:
                    created = _created(post)
                    if not start <= created < end or post["uri"] in records:
                        continue
                    record, author = post["record"], post["author"]
                    from_tracked = author["did"] in tracked
                    records[post["uri"]] = {
                        "platform": PLATFORM,
                        "comment_id": post["uri"],
                        "post_id": root_id,
                        "parent_id": record["reply"]["parent"]["uri"],
                        "brand_id": page.context["brand_id"],
                        "author_id": author["did"]
                        if from_tracked
                        else self.pseudonymize(PLATFORM, author["did"]),
                        "author_handle": author.get("handle") if from_tracked else None,
                        "is_from_tracked_account": from_tracked,
                        "created_at": created,
                        "text": record.get("text") or "",
                        "lang": _lang(record),
                        "like_count": post.get("likeCount"),
                        "reply_count": post.get("replyCount"),
                    }
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    bad.append(_bad(post, page, exc))
        return list(records.values()), bad

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        handles = {did: self.accounts[bid] for did, bid in tracked.items()}
        records: dict[tuple[str, str], dict] = {}
        bad: list[dict] = []
        followers: dict[str, int | None] = {}
        for page in pages:
            if page.kind == "profiles":
                try:
                    followers.update((p["did"], p.get("followersCount")) for p in page.json()["profiles"])
                except (KeyError, TypeError, ValueError) as exc:
                    bad.append(_bad(page.body, page, exc))  # the mentions stay, without follower counts
        seen: set[str] = set()
        for page, post in _posts(pages, ("search",), bad):
            try:
                uri = post["uri"]
                if uri in seen:
                    continue
                created = _created(post)
                if not start <= created < end:
                    continue
                seen.add(uri)
                record, author = post["record"], post["author"]
                text = record.get("text") or ""
                hashtags = _hashtags(record)
                # Mention facets name DIDs: a tracked one becomes its configured handle for the matcher.
                mentioned = [handles.get(did, did) for did in _facet_values(record, "mention", "did")]
                own_brand = tracked.get(author["did"])
                for m in self.matcher.match(text, hashtags, mentioned):
                    if own_brand == m.brand_id:
                        continue  # a brand's own post is not a mention of it
                    records[(uri, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": uri,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": author["did"]
                        if own_brand
                        else self.pseudonymize(PLATFORM, author["did"]),
                        "author_handle": author.get("handle") if own_brand else None,
                        "author_followers": followers.get(author["did"]),
                        "created_at": created,
                        "text": text,
                        "lang": _lang(record),
                        "url": post_url(post),
                        "hashtags": hashtags,
                        "like_count": post.get("likeCount"),
                        "share_count": _shares(post),
                        "reply_count": post.get("replyCount"),
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(_bad(post, page, exc))
        return list(records.values()), bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        profile = page.json()
        return [
            {
                "account_id": profile["did"],
                "account_handle": profile.get("handle"),
                "followers": profile.get("followersCount"),
                "following": profile.get("followsCount"),
                "posts_count": profile.get("postsCount"),
            }
        ]


# ---- helpers ------------------------------------------------------------------------------------------


def _bad(record: object, page: LandedPage, exc: Exception) -> dict:
    """A quarantine entry; Bluesky names records by at:// uri, where records.quarantined looks for "id"."""
    entry = quarantined(record, page, exc)
    if entry["record_id"] is None and isinstance(record, dict):
        uri = record.get("uri") or (record.get("post") or {}).get("uri")
        entry["record_id"] = None if uri is None else str(uri)
    return entry


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _created(post: dict) -> dt.datetime:
    """record.createdAt (the author's clock); the AppView's indexedAt when the client wrote no valid time."""
    try:
        return parse_time(post["record"]["createdAt"])
    except (KeyError, TypeError, ValueError):
        return parse_time(post["indexedAt"])


def _sort_time(item: dict) -> dt.datetime:
    """Where a feed item sits in the feed: the repost's time, else the earlier of createdAt and indexedAt."""
    reason = item.get("reason")
    if reason and reason.get("indexedAt"):
        return parse_time(reason["indexedAt"])
    post = item["post"]
    return min(_created(post), parse_time(post["indexedAt"]))


def _feed_time(item: dict) -> dt.datetime:
    """The time parse_posts files a feed item under (the repost's, else the post's creation), raising
    where parse_posts would quarantine the item before looking at its time."""
    post, reason = item["post"], item.get("reason")
    if bool(reason) and reason.get("$type", REPOST) == REPOST:
        by, created = reason["by"], parse_time(reason["indexedAt"])
        if not reason.get("uri"):  # parse_posts then names the repost after its author and the post
            _ = by["did"], post["uri"]
        return created
    created = _created(post)
    _ = post["uri"], post["author"]  # read by parse_posts before the time: missing, the item is quarantined
    return created


def _feed_per_day(walk: list[Response], days: list[dt.date]) -> dict[dt.date, list[Response]]:
    """The pages of a newest-first author feed walk each day needs: those its own walk would have reached
    (_feed_since stops after the first page sorting before the day, less CLOCK_SKEW) that hold its items
    or anything parse_posts quarantines (a page with no feed list, an item it cannot date)."""
    out: dict[dt.date, list[Response]] = {d: [] for d in days}
    bounds = {d: day_bounds(d) for d in days}
    reached = None  # the oldest sort time of the pages walked so far whose items all had one
    for resp in walk:
        try:
            body = resp.json()
        except ValueError:
            body = None
        feed = body.get("feed") if isinstance(body, dict) else None
        held, odd = [], not isinstance(feed, list)
        for item in feed if isinstance(feed, list) else []:
            try:
                held.append(_feed_time(item))
            except (KeyError, TypeError, ValueError, AttributeError):
                odd = True
        for d, (start, end) in bounds.items():
            if reached is not None and reached < start - CLOCK_SKEW:
                continue
            if odd or any(start <= t < end for t in held):
                out[d].append(resp)
        try:  # as stop_before dates a page
            oldest = min(_sort_time(item) for item in feed) if feed else None
        except (KeyError, TypeError, ValueError, AttributeError):
            oldest = None
        if oldest is not None:
            reached = oldest if reached is None else min(reached, oldest)
    return out


def _post_type(record: dict) -> str:
    if record.get("reply"):
        return "reply"
    embed = record.get("embed") or {}
    if embed.get("$type") in QUOTE_EMBEDS:
        inner = embed.get("record") or {}
        inner = inner.get("record", inner)  # recordWithMedia nests the embed.record one level down
        if f"/{POST}/" in (inner.get("uri") or ""):  # not a list, feed or starter pack card
            return "quote"
    return "post"


def _shares(post: dict) -> int | None:
    """Reposts plus quotes: both put the post in front of the sharer's followers (a quote adds a comment)."""
    reposts, quotes = post.get("repostCount"), post.get("quoteCount")
    if reposts is None:
        return None
    return reposts + (quotes or 0)


def _lang(record: dict) -> str | None:
    langs = record.get("langs") or []
    return langs[0] if langs else None


def _facet_values(record: dict, kind: str, key: str) -> list[str]:
    return [
        f[key]
        for facet in record.get("facets") or []
        for f in facet.get("features") or []
        if f.get("$type") == f"app.bsky.richtext.facet#{kind}" and f.get(key)
    ]


def _hashtags(record: dict) -> list[str]:
    """Tag facets in the text, then the record's outline tags (not shown in the text), once each."""
    tags = dict.fromkeys([*_facet_values(record, "tag", "tag"), *(record.get("tags") or [])])
    return list(tags)


def post_url(post: dict) -> str:
    author = post["author"]
    rkey = post["uri"].rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{author.get('handle') or author['did']}/post/{rkey}"


def _walk(node: object) -> Iterator[dict]:
    """Every node of a thread tree, the top first, depth first."""
    stack = [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, dict):
            continue
        yield n
        stack.extend(reversed(n.get("replies") or []))


def _cut_off(node: dict) -> bool:
    post = node.get("post") or {}
    return (
        node.get("$type", THREAD_VIEW) == THREAD_VIEW
        and "replies" not in node
        and bool(post.get("replyCount"))
    )


def _items(
    pages: list[LandedPage], kind: str, key: str, bad: list[dict]
) -> Iterator[tuple[LandedPage, dict]]:
    for page in pages:
        if page.kind != kind:
            continue
        try:
            items = page.json()[key]
        except (KeyError, TypeError, ValueError) as exc:
            bad.append(_bad(page.body, page, exc))
            continue
        if not isinstance(items, list):
            bad.append(_bad(page.body, page, ValueError(f"page holds no list of {key}")))
            continue
        for item in items:
            if not isinstance(item, dict):
                bad.append(_bad(item, page, ValueError("item is not an object")))
                continue
            yield page, item


def _posts(
    pages: list[LandedPage], kinds: tuple[str, ...], bad: list[dict]
) -> Iterator[tuple[LandedPage, dict]]:
    for kind in kinds:
        yield from _items(pages, kind, "posts", bad)


Connector = BlueskyConnector
