"""Reddit connector: fetch a day's pages into the landing zone, then parse landed pages into canonical records.

Reddit's API (https://oauth.reddit.com) answers Listings: {"kind": "Listing", "data": {"children": [...],
"after": <fullname>}}, newest first for sort=new, followed with after=<data.after>. Listings cannot be asked
for a time range, so a day's window is walked from now back to the first item created before the day.

- posts: /user/<name>/submitted?sort=new (the tracked accounts' submissions, t3).
- comments: for each submission of the last `lookback_days`, /comments/<id>?sort=old, a 2-element array (the
  post, then the comment tree with replies nested in data.replies, "" when empty). Reddit cuts big trees
  with "more" stubs: with children ids, fetched through /api/morechildren (a flat list of things, each with
  its parent_id), or "continue this thread" (count 0, id "_", no children), fetched as the subtree
  /comments/<post>/_/<comment>. Every page is landed, so the parser rebuilds the tree without the API.
- mentions: /search?type=link&sort=new per keyword, hashtag and handle (submissions only: the API has no
  comment search); and, when signed in as a tracked account (password grant), its /message/mentions
  inbox (username mentions in comments).
- account_snapshots: /user/<name>/about, whose data.subreddit.subscribers is the profile's follower count.

Ids are fullnames (t3_<base36>, t1_<base36>): parent_id is one already, so replies keep their parent as sent.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import deque
from collections.abc import Iterator
from urllib.parse import urlsplit

from .connector import Connector
from .http_core import ApiError, Response, cursor_in_body, dig, stop_before
from .landing import LandedPage
from .records import day_bounds, quarantined

PLATFORM = "reddit"
PAGE_LIMIT = 100  # Reddit's maximum for listings and search
COMMENT_LIMIT = 500  # comments per /comments request (Reddit's cap for OAuth clients)
COMMENT_DEPTH = 10  # deeper replies come back as "continue this thread" stubs
MORE_CHUNK = 100  # /api/morechildren takes at most 100 ids per call
RATE_LIMIT_STYLE = "seconds"  # x-ratelimit-reset is seconds until the window resets
LIVE_BASE_URL = ("REDDIT_BASE_URL", "https://oauth.reddit.com")
LIVE_CREDENTIALS = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET")
# Optional, read from the same credentials dict when present: sign in as a tracked account (password grant)
# so that its inbox of username mentions can be read.
USER_CREDENTIALS = ("REDDIT_USERNAME", "REDDIT_PASSWORD")
# Reddit throttles generic user agents: it asks for <platform>:<app id>:<version> (by /u/<owner>).
USER_AGENT = "python:social-pipeline:v0.1 (brand monitoring data pipeline)"
TOKEN_MARGIN_SECONDS = 300  # ask for a new token this long before the old one expires
DELETED = "[deleted]"
# Landed pages that hold comments: /comments trees, morechildren answers, flat Listings of comments.
COMMENT_PAGES = ("thread", "morechildren", "listing")

HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})(?![\w-])")


def http_options(credentials: dict[str, str]) -> dict:
    # No bearer token yet: the connector asks for one (it needs an HTTP client to do so).
    return {"user_agent": USER_AGENT}


def token_url(base_url: str) -> str:
    """Tokens come from www.reddit.com while the API is oauth.reddit.com; a sandbox serves both."""
    parts = urlsplit(base_url)
    if parts.netloc == "oauth.reddit.com":
        return "https://www.reddit.com/api/v1/access_token"
    return f"{base_url.rstrip('/')}/api/v1/access_token"


def created_utc(thing: dict) -> dt.datetime:
    value = thing.get("created_utc")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"created_utc is not a number: {value!r}")
    return dt.datetime.fromtimestamp(value, dt.UTC)


def children(listing: object) -> list:
    """The things of a Listing (a dict with data.children); [] for Reddit's empty replies ("")."""
    found = dig(listing, ("data", "children"))
    return found if isinstance(found, list) else []


def _dated_items(body: object) -> list[dict]:
    """A listing's things that date the walk: pinned or stickied posts stay on top whatever their age."""
    return [
        c["data"]
        for c in children(body)
        if isinstance(c, dict)
        and isinstance(c.get("data"), dict)
        and not (c["data"].get("pinned") or c["data"].get("stickied"))
    ]


def newest_first(start: dt.datetime):
    """Listings sorted new: follow data.after until a page reaches items created before `start`."""
    return stop_before(start, cursor_in_body(("data", "after"), "after"), _dated_items, created_utc)


def walk_tree(listing: object) -> Iterator[dict]:
    """Every thing of a comment tree (t1 and more), parents before their replies."""
    for thing in children(listing):
        yield thing
        if isinstance(thing, dict) and thing.get("kind") == "t1":
            yield from walk_tree(dig(thing, ("data", "replies")))


def thread_things(body: object) -> list:
    """The comment things of a landed page, by its shape: the tree of /comments (a 2-element array),
    /api/morechildren's flat json.data.things, or a Listing of comments (a user's or a subreddit's)."""
    if isinstance(body, list):
        if len(body) != 2:
            raise ValueError("a /comments answer is a 2-element array [post listing, comment listing]")
        return list(walk_tree(body[1]))
    things = dig(body, ("json", "data", "things"))
    if isinstance(things, list):
        return things
    if isinstance(dig(body, ("data", "children")), list):
        return list(walk_tree(body))
    raise ValueError(f"no comments in this page (errors: {dig(body, ('json', 'errors'))!r})")


def _text(data: dict) -> str:
    """What a reader sees: a submission's title and self text, or a comment's body (raw_json=1: no escapes)."""
    if "title" in data:
        selftext = data.get("selftext") or ""
        return data["title"] + (f"\n\n{selftext}" if selftext else "")
    return data.get("body") or ""


def _fullname(data: dict, prefix: str) -> str:
    return data.get("name") or f"{prefix}_{data['id']}"


def _url(data: dict) -> str | None:
    path = data.get("permalink") or data.get("context")
    return f"https://www.reddit.com{path}" if path else None


class RedditConnector(Connector):
    platform = PLATFORM

    def _setup(self) -> None:
        self.tracked = {h.lower(): b for b, h in self.accounts.items()}  # username -> brand id
        self._token_expires = 0.0
        # The tracked brand whose inbox we may read: only when signed in as its account.
        user = (self._credentials.get("REDDIT_USERNAME") or "").lower()
        self.inbox_brand = self.tracked.get(user) if self._credentials.get("REDDIT_PASSWORD") else None

    # ---- authentication ------------------------------------------------------------------------------

    def _authorize(self) -> None:
        """OAuth2 for a script app: client credentials, or the password grant to act as a tracked account.

        The sandbox (no credentials) takes requests without a token unless one is configured there.
        """
        cid, secret = self._credentials.get("REDDIT_CLIENT_ID"), self._credentials.get("REDDIT_CLIENT_SECRET")
        if not cid or not secret or time.monotonic() < self._token_expires - TOKEN_MARGIN_SECONDS:
            return
        data = {"grant_type": "client_credentials"}
        if self.inbox_brand:
            data = {
                "grant_type": "password",
                "username": self._credentials["REDDIT_USERNAME"],
                "password": self._credentials["REDDIT_PASSWORD"],
            }
        resp = self.http.post(token_url(self.http.base_url), data=data, auth=(cid, secret))
        body = resp.json()
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:  # Reddit answers a refused grant with 200 and {"error": ...}
            cause = body.get("error") if isinstance(body, dict) else None
            raise ApiError(PLATFORM, "/api/v1/access_token", resp.status, f"no token: {cause or 'refused'}")
        self.http.session.headers["Authorization"] = f"bearer {token}"
        self._token_expires = time.monotonic() + float(body.get("expires_in") or 3600)

    # ---- fetching: API -> landed pages -------------------------------------------------------------

    def _about(self, entity: str, day: dt.date, brand_id: str, handle: str) -> LandedPage:
        resp = self.http.get(f"/user/{handle}/about", {"raw_json": 1})
        return LandedPage.of(resp, PLATFORM, entity, day, "account", {"brand_id": brand_id, "handle": handle})

    def _submitted_since(self, handle: str, start: dt.datetime) -> list[Response]:
        params = {"sort": "new", "limit": PAGE_LIMIT, "raw_json": 1}
        return list(self.http.paginate(f"/user/{handle}/submitted", params, newest_first(start)))

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        self._authorize()
        start, _ = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            pages.append(self._about("posts", day, brand_id, handle))
            for resp in self._submitted_since(handle, start):
                pages.append(LandedPage.of(resp, PLATFORM, "posts", day, "submitted", {"brand_id": brand_id}))
        return pages

    def fetch_posts_range(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Every day of a range from one walk per account back to its first day (a walk per day re-read the
        newer days each time: quadratic in the range). A day lands its account's about page (parse_posts
        reads the account id there), then the pages its own walk would have reached that hold its posts or
        anything the parser would quarantine."""
        self._authorize()
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        start = day_bounds(min(days))[0]
        for brand_id, handle in self.accounts.items():
            about = self.http.get(f"/user/{handle}/about", {"raw_json": 1})
            ctx = {"brand_id": brand_id, "handle": handle}
            for d in days:
                out[d].append(LandedPage.of(about, PLATFORM, "posts", d, "account", ctx))
            walk = self._submitted_since(handle, start)
            for d, responses in _pages_per_day(walk, days, _submissions_held).items():
                out[d].extend(
                    LandedPage.of(r, PLATFORM, "posts", d, "submitted", {"brand_id": brand_id})
                    for r in responses
                )
        return out

    def _thread(self, post_name: str) -> list[tuple[str, Response]]:
        """A submission's whole comment tree: the /comments page, then every stub Reddit left in it."""
        post_id = post_name.split("_", 1)[1]
        params = {"sort": "old", "limit": COMMENT_LIMIT, "depth": COMMENT_DEPTH, "raw_json": 1}
        first = self.http.get(f"/comments/{post_id}", params)
        pages = [("thread", first)]
        stubs = deque(_stubs(first))
        asked: set[str] = set()
        while stubs:
            more = stubs.popleft().get("data") or {}
            ids = list(more.get("children") or [])
            # A morechildren answer may leave a stub for ids it was given but did not return: ask again for
            # those; only a stub asked for already (same ids) would loop.
            key = ",".join(sorted(ids))
            if ids:
                if key in asked:
                    continue
                asked.add(key)
                for i in range(0, len(ids), MORE_CHUNK):
                    resp = self.http.get(
                        "/api/morechildren",
                        {
                            "api_type": "json",
                            "link_id": post_name,
                            "children": ",".join(ids[i : i + MORE_CHUNK]),
                            "sort": "old",
                            "limit_children": "false",
                            "depth": COMMENT_DEPTH,
                            "raw_json": 1,
                        },
                    )
                    pages.append(("morechildren", resp))
                    stubs.extend(_stubs(resp))
            elif not more.get("children") and str(more.get("parent_id", "")).startswith("t1_"):
                # "continue this thread": the parent comment's own page holds the rest of its subtree.
                parent = more["parent_id"]
                if "_" + parent in asked:
                    continue
                asked.add("_" + parent)
                resp = self.http.get(f"/comments/{post_id}/_/{parent.split('_', 1)[1]}", params)
                pages.append(("thread", resp))
                stubs.extend(_stubs(resp))
        return pages

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Replies created on each day under the tracked accounts' submissions of the `lookback_days` before.

        One listing walk and one thread fetch per submission serve every day of the range; each day's
        landing still gets every page it needs to be re-derived on its own.
        """
        self._authorize()
        window_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for brand_id, handle in self.accounts.items():
            listing = self._submitted_since(handle, window_start)
            posts = []
            for resp in listing:
                for item in _dated_items(resp.json()):
                    try:
                        created, name = created_utc(item), _fullname(item, "t3")
                    except (KeyError, TypeError, ValueError):
                        continue  # undatable: parse_posts quarantines it from the same landed page
                    if window_start <= created < window_end:
                        posts.append((name, created))
            threads = {name: self._thread(name) for name, _ in posts}
            for d in days:
                ctx = {"brand_id": brand_id}
                out[d].extend(LandedPage.of(r, PLATFORM, "comments", d, "submitted", ctx) for r in listing)
                for name, created in posts:
                    if self.in_lookback(d, created):
                        out[d].extend(
                            LandedPage.of(r, PLATFORM, "comments", d, kind, {**ctx, "post_id": name})
                            for kind, r in threads[name]
                        )
        return out

    def _search_terms(self, brand) -> list[str]:
        """Keywords, hashtags and the handle, each once; Reddit's search matches words, '#' aside."""
        terms: dict[str, str] = {}
        for term in (*brand.keywords, *brand.hashtags, brand.accounts.get(PLATFORM)):
            if term:
                terms.setdefault(term.lower(), term)
        return [f'"{t}"' if " " in t else t for t in terms.values()]

    def _mention_walks(self, start: dt.datetime):
        """(kind, context, pages newest first) of every search and inbox walk from now back to `start`."""
        for brand in self.config.brands.values():
            for term in self._search_terms(brand):
                params = {"q": term, "type": "link", "sort": "new", "limit": PAGE_LIMIT, "raw_json": 1}
                walk = list(self.http.paginate("/search", params, newest_first(start)))
                yield "search", {"brand_id": brand.brand_id, "term": term}, walk
        if self.inbox_brand:
            params = {"limit": PAGE_LIMIT, "raw_json": 1}
            walk = list(self.http.paginate("/message/mentions", params, newest_first(start)))
            yield "inbox", {"brand_id": self.inbox_brand, "handle": self.accounts[self.inbox_brand]}, walk

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        self._authorize()
        return [
            LandedPage.of(resp, PLATFORM, "mentions", day, kind, ctx)
            for kind, ctx, walk in self._mention_walks(day_bounds(day)[0])
            for resp in walk
        ]

    def fetch_mentions_range(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Every day of a range from one walk per search back to its first day (a walk per day re-read
        the newer days each time: quadratic in the range). A day lands the pages its own walk would have
        reached that hold its items, and those whose items cannot be dated (the parser quarantines them)."""
        self._authorize()
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for kind, ctx, walk in self._mention_walks(day_bounds(min(days))[0]):
            for d, responses in _pages_per_day(walk, days).items():
                out[d].extend(LandedPage.of(r, PLATFORM, "mentions", d, kind, ctx) for r in responses)
        return out

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        self._authorize()
        return [self._about("account_snapshots", day, b, h) for b, h in self.accounts.items()]

    # ---- parsing: landed pages -> canonical records --------------------------------------------------

    def _author(self, data: dict) -> tuple[str | None, str | None, bool]:
        """(author_id, author_handle, tracked): real for tracked accounts, a pseudonym for the public,
        nothing for a deleted account (Reddit keeps the comment, not who wrote it)."""
        name = data.get("author")
        if not name or name == DELETED:
            return None, None, False
        if name.lower() in self.tracked:
            return data.get("author_fullname") or name, name, True
        return self.pseudonymize(PLATFORM, data.get("author_fullname") or name), None, False

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        account_ids = {}  # username -> t2 fullname, from the about pages landed with the day
        bad: list[dict] = []
        for page in pages:
            if page.kind == "account":
                try:
                    data = page.json()["data"]
                    account_ids[data["name"].lower()] = f"t2_{data['id']}"
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    bad.append(quarantined(page.body, page, exc))
        records: dict[str, dict] = {}
        for page, data in _things(pages, ("submitted",), "t3", bad):
            try:
                created = created_utc(data)
                if not start <= created < end:
                    continue
                name = _fullname(data, "t3")
                text = _text(data)
                author = data.get("author") or ""
                records[name] = {
                    "platform": PLATFORM,
                    "post_id": name,
                    "brand_id": page.context["brand_id"],
                    "account_id": data.get("author_fullname") or account_ids.get(author.lower()),
                    "account_handle": author or None,
                    "created_at": created,
                    "text": text,
                    "lang": None,  # Reddit does not tell a post's language
                    "url": _url(data),
                    "post_type": "repost" if data.get("crosspost_parent") else "post",
                    "hashtags": HASHTAG.findall(text),
                    "like_count": data.get("ups"),
                    "share_count": None,  # Reddit reports no shares
                    "reply_count": data.get("num_comments"),
                    "view_count": data.get("view_count"),  # null for everyone but moderators
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(data, page, exc))
        return list(records.values()), bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        records: dict[str, dict] = {}
        bad = []
        for page in pages:
            if page.kind not in COMMENT_PAGES:
                continue
            try:
                things = thread_things(page.json())
            except (TypeError, ValueError) as exc:
                bad.append(quarantined(page.body, page, exc))
                continue
            for thing in things:
                if not isinstance(thing, dict) or thing.get("kind") == "more":
                    continue  # stubs: what they stand for was fetched and landed as its own page
                data = thing.get("data")
                try:
                    if thing.get("kind") != "t1" or not isinstance(data, dict):
                        raise ValueError(f"not a comment: kind {thing.get('kind')!r}")
                    created = created_utc(data)
                    name = _fullname(data, "t1")
                    if name in records or not start <= created < end:
                        continue  # a continued thread repeats its parent comment
                    author_id, author_handle, tracked = self._author(data)
                    records[name] = {
                        "platform": PLATFORM,
                        "comment_id": name,
                        "post_id": data.get("link_id") or page.context["post_id"],
                        "parent_id": data["parent_id"],
                        "brand_id": page.context["brand_id"],
                        "author_id": author_id,
                        "author_handle": author_handle,
                        "is_from_tracked_account": tracked,
                        "created_at": created,
                        "text": data.get("body") or "",
                        "lang": None,
                        "like_count": data.get("ups"),
                        "reply_count": None,  # a comment's num_comments is its submission's count
                    }
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    bad.append(quarantined(data if isinstance(data, dict) else thing, page, exc))
        return list(records.values()), bad

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        records: dict[tuple[str, str], dict] = {}
        bad = []
        seen: set[str] = set()
        found = [*_things(pages, ("search",), "t3", bad), *_things(pages, ("inbox",), "t1", bad)]
        for page, data in found:
            try:
                name = _fullname(data, "t3" if page.kind == "search" else "t1")
                if name in seen:
                    continue
                created = created_utc(data)
                if not start <= created < end:
                    continue
                seen.add(name)
                text = _text(data)
                hashtags = HASHTAG.findall(text)
                handles = USER_MENTION.findall(text)
                if page.kind == "inbox":  # Reddit filed it as a mention of the signed-in account
                    handles.append(page.context["handle"])
                author_id, author_handle, _ = self._author(data)
                author_brand = self.tracked.get((data.get("author") or "").lower())
                for m in self.matcher.match(text, hashtags, handles):
                    if author_brand == m.brand_id:
                        continue  # a brand's own post is not a mention of it
                    records[(name, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": name,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": author_id,
                        "author_handle": author_handle,
                        "author_followers": None,  # not in listings; one /about call per author is too dear
                        "created_at": created,
                        "text": text,
                        "lang": None,
                        "url": _url(data),
                        "hashtags": hashtags,
                        # Inbox items carry a score but no ups; num_comments there is the submission's.
                        "like_count": data.get("ups", data.get("score")),
                        "share_count": None,
                        "reply_count": data.get("num_comments") if page.kind == "search" else None,
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(data, page, exc))
        return list(records.values()), bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        """A profile's followers are the subscribers of its user subreddit; Reddit tells neither how many
        accounts it follows nor how many posts it has."""
        data = page.json()["data"]
        return [
            {
                "account_id": f"t2_{data['id']}",
                "account_handle": data.get("name"),
                "followers": dig(data, ("subreddit", "subscribers")),
                "following": None,
                "posts_count": None,
            }
        ]


def _pages_per_day(walk: list[Response], days: list[dt.date], holds=None) -> dict[dt.date, list[Response]]:
    """The pages of a newest-first walk each day needs: those holding its things (pinned ones included) or
    things that cannot be dated (the parser quarantines them), up to where the day's own walk would have
    stopped (newest_first: after the first page whose dating items reach before the day).

    holds(body, dating) -> (the times of the page's things, whether it holds something the parser would
    quarantine); body is None for a page that is not JSON, dating None where the page cannot be dated."""
    holds = holds or _children_held
    out: dict[dt.date, list[Response]] = {d: [] for d in days}
    bounds = {d: day_bounds(d) for d in days}
    reached = None  # the oldest dating item of the pages walked so far
    for resp in walk:
        try:
            body = resp.json()
        except ValueError:
            body = None
        try:
            dating = None if body is None else [created_utc(item) for item in _dated_items(body)]
        except (KeyError, TypeError, ValueError, AttributeError):
            dating = None  # the walk goes on past it, as newest_first does
        held, odd = holds(body, dating)
        for d, (start, end) in bounds.items():
            if reached is not None and reached < start:
                continue
            if odd or any(start <= t < end for t in held):
                out[d].append(resp)
        if dating:
            reached = min([*dating, reached] if reached is not None else dating)
    return out


def _children_held(body, dating) -> tuple[list[dt.datetime], bool]:
    """Search results: a page that cannot be read or dated is the parser's to quarantine, whole."""
    if body is None or dating is None:
        return [], True
    held, odd = [], False
    for thing in children(body):
        try:
            held.append(created_utc(thing["data"]))
        except (KeyError, TypeError, ValueError):
            odd = True
    return held, odd


def _submissions_held(body, _dating) -> tuple[list[dt.datetime], bool]:
    """A listing of submissions: parse_posts also quarantines whatever is not a dated t3 thing, and a page
    that is no Listing."""
    things = dig(body, ("data", "children"))
    held, odd = [], not isinstance(things, list)
    for thing in things if isinstance(things, list) else []:
        try:
            if thing["kind"] != "t3":
                raise ValueError("not a t3 thing")
            held.append(created_utc(thing["data"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            odd = True
    return held, odd


def _stubs(resp: Response) -> list[dict]:
    """The "more" stubs of a thread page; a malformed page has none (the parser quarantines it)."""
    try:
        things = thread_things(resp.json())
    except ValueError:
        return []
    return [t for t in things if isinstance(t, dict) and t.get("kind") == "more"]


def _things(pages: list[LandedPage], kinds: tuple[str, ...], kind: str, bad: list[dict]):
    """(page, data) of each thing of `kind` in the Listings of the given pages; the rest to quarantine."""
    for page in pages:
        if page.kind not in kinds:
            continue
        try:
            body = page.json()
        except ValueError as exc:
            bad.append(quarantined(page.body, page, exc))
            continue
        items = dig(body, ("data", "children"))
        if not isinstance(items, list):
            bad.append(quarantined(page.body, page, ValueError("page holds no Listing")))
            continue
        for thing in items:
            if (
                not isinstance(thing, dict)
                or thing.get("kind") != kind
                or not isinstance(thing.get("data"), dict)
            ):
                bad.append(quarantined(thing, page, ValueError(f"not a {kind} thing")))
                continue
            yield page, thing["data"]


Connector = RedditConnector
