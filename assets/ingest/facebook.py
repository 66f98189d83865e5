"""Facebook connector (Graph API, Pages): fetch a day's pages into the landing zone, parse landed pages.

Day windows: the posts and tagged edges take since/until (unix seconds) and come newest first; pages are
followed through the body's paging.next until one reaches the day before, and the parser keeps what was
created in [00:00Z, 24:00Z) whatever the server's reading of `until`. Comments: the whole stream of a post's
comments (filter=stream, every level, with parent{id}) is read for the tracked pages' posts of the last
`lookback_days` days.

What the Graph API cannot give: there is no public keyword or hashtag search, so mentions are only the posts
that tag a tracked Page (/{page}/tagged); a post that names a brand by keyword or hashtag without tagging a
tracked Page is invisible, and a comment that tags a Page is not a post. Users' follower counts, post views on
these edges and post languages are not reported (NULL).

Quirks handled here:
- paging.next is a whole URL carrying our access_token: the token is stripped before the URL is followed (the
  client adds its own), the URL is rebased on the configured host (the token never goes elsewhere), and
  landed bodies have it redacted.
- Throttling comes as HTTP 400/403 with error codes 4, 17, 32, 613 or 80001-80014, not 429: such responses
  are turned into 429 before the shared client sees them, so they are retried with back-off like a 429
  (after RetryPolicy.max_attempts the run fails loudly and the day can be fetched again later).
- `shares` is omitted when a post was never shared: 0 when the landed request asked for `shares`, else NULL.
- Comments may come without `id`/`parent` (trimmed field lists): both are read from permalink_url's
  comment_id/reply_comment_id then.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from .connector import Connector
from .http_core import Response, stop_before, url_in_body
from .landing import LandedPage
from .records import day_bounds, parse_time, quarantined, time_or_none

PLATFORM = "facebook"
PAGE_LIMIT = 100  # the Graph API's maximum for these edges
RATE_LIMIT_STYLE = "usage"  # X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage: JSON percentages
LIVE_BASE_URL = ("FACEBOOK_BASE_URL", "https://graph.facebook.com/v19.0")
LIVE_CREDENTIALS = ("FACEBOOK_PAGE_ACCESS_TOKEN",)

PAGE_FIELDS = "id,name,username,followers_count,fan_count"
# summary(true) counts every reaction type; comments.filter(stream) counts replies at every level too.
POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,message_tags,shares,"
    "reactions.summary(true).limit(0),comments.filter(stream).summary(true).limit(0)"
)
TAGGED_FIELDS = POST_FIELDS + ",from"
COMMENT_FIELDS = "id,message,created_time,from,like_count,comment_count,permalink_url,parent{id}"
# Graph error codes that mean "slow down": app, user, page, custom-action and business use-case limits.
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
_TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\"\\\s]+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


def http_options(credentials: dict[str, str]) -> dict:
    # The Page token travels as a query parameter; http_core redacts it wherever a URL is kept.
    token = credentials.get("FACEBOOK_PAGE_ACCESS_TOKEN")
    return {"default_params": {"access_token": token}} if token else {}


def graph_time(value: object) -> dt.datetime:
    """Graph's created_time, e.g. 2021-06-15T07:39:02+0000 (offset without a colon), as UTC."""
    if isinstance(value, str) and re.search(r"[+-]\d{4}$", value):
        value = f"{value[:-2]}:{value[-2:]}"
    return parse_time(value)


def redact_body(text: str) -> str:
    """A body with the access_token of its paging URLs replaced, otherwise as received."""
    return _TOKEN_IN_TEXT.sub(r"\1REDACTED", text)


def graph_response_hook(resp: requests.Response, *args, **kwargs) -> requests.Response:
    """A requests response hook, so that the shared client retries what the Graph API means as transient:
    Graph's rate-limit errors (HTTP 400/403 + a throttling code) become 429s, and
    estimated_time_to_regain_access (minutes, business use-case header) becomes Retry-After.
    """
    if resp.status_code not in (400, 403):
        return resp
    try:
        code = int(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return resp
    if code not in THROTTLE_CODES:
        return resp
    resp.status_code = 429
    regain = _regain_minutes(resp.headers.get("X-Business-Use-Case-Usage"))
    if regain and "Retry-After" not in resp.headers:
        resp.headers["Retry-After"] = str(regain * 60)
    return resp


def _regain_minutes(value: str | None) -> int:
    try:
        doc = json.loads(value or "{}")
        return max(
            (int(e.get("estimated_time_to_regain_access") or 0) for v in doc.values() for e in v), default=0
        )
    except (ValueError, TypeError, AttributeError):
        return 0


def follow_paging_next(base_url: str):
    """paging.next, without its access_token and on the configured host."""
    origin = urlsplit(base_url)
    from_body = url_in_body(("paging", "next"))

    def next_request(page: Response):
        nxt = from_body(page)
        if nxt is None:
            return None
        parts = urlsplit(nxt[0])
        query = [(k, v) for k, v in parse_qsl(parts.query, True) if k.lower() != "access_token"]
        return urlunsplit((origin.scheme, origin.netloc, parts.path, urlencode(query), "")), None

    return next_request


class FacebookConnector(Connector):
    platform = PLATFORM

    def _setup(self) -> None:
        self._next = follow_paging_next(self.http.base_url)
        if graph_response_hook not in self.http.session.hooks["response"]:
            self.http.session.hooks["response"].append(graph_response_hook)

    # ---- fetching: API -> landed pages -------------------------------------------------------------

    def land(self, resp: Response, entity: str, day: dt.date, kind: str, context: dict) -> LandedPage:
        page = LandedPage.of(resp, PLATFORM, entity, day, kind, context)
        page.body = redact_body(page.body)
        return page

    def _lookup(self, handle: str) -> Response:
        if handle not in self._lookups:
            self._lookups[handle] = self.http.get(f"/{handle}", {"fields": PAGE_FIELDS})
        return self._lookups[handle]

    def _page_landed(self, entity: str, day: dt.date, brand_id: str, handle: str) -> LandedPage:
        return self.land(
            self._lookup(handle), entity, day, "account", {"brand_id": brand_id, "handle": handle}
        )

    def edge_pages(self, page_id: str, edge: str, fields: str, start: dt.datetime, end: dt.datetime):
        """Pages of a Page's posts or tagged posts created in [start, end], newest first."""
        params = {
            "fields": fields,
            "since": int(start.timestamp()),
            "until": int(end.timestamp()),
            "limit": PAGE_LIMIT,
        }
        yield from self.http.paginate(f"/{page_id}/{edge}", params, _newest_first(start, self._next))

    def comment_pages(self, post_id: str) -> Iterator[Response]:
        """Every comment of a post, every level (filter=stream), oldest first, to the last page."""
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": PAGE_LIMIT}
        yield from self.http.paginate(f"/{post_id}/comments", params, self._next)

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            account = self._page_landed("posts", day, brand_id, handle)
            pages.append(account)
            for resp in self.edge_pages(account.json()["id"], "posts", POST_FIELDS, start, end):
                pages.append(self.land(resp, "posts", day, "posts", {"brand_id": brand_id}))
        return pages

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Comments created on each day under the tracked Pages' posts of the `lookback_days` before it.

        One listing and one comment stream per post serve every day of the range; each day's landing
        still gets every page it needs to be re-derived on its own.
        """
        window_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: [] for d in days}
        for brand_id, handle in self.accounts.items():
            account_resp = self._lookup(handle)
            page_id = account_resp.json()["id"]
            listing = list(self.edge_pages(page_id, "posts", POST_FIELDS, window_start, window_end))
            posts = {}
            for r in listing:
                for p in r.json().get("data") or []:
                    created = time_or_none(
                        p.get("created_time"), graph_time
                    )  # unreadable: parse quarantines it
                    if created is not None and window_start <= created < window_end:
                        posts[p["id"]] = created
            streams = {pid: list(self.comment_pages(pid)) for pid in posts}
            for d in days:
                ctx = {"brand_id": brand_id, "handle": handle}
                out[d].append(self.land(account_resp, "comments", d, "account", ctx))
                out[d].extend(self.land(r, "comments", d, "posts", {"brand_id": brand_id}) for r in listing)
                for pid, created in posts.items():
                    if self.in_lookback(d, created):
                        ctx = {"brand_id": brand_id, "post_id": pid}
                        out[d].extend(self.land(r, "comments", d, "comments", ctx) for r in streams[pid])
        return out

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        """Posts that tag a tracked Page: the only mentions the Graph API shows (no keyword search)."""
        start, end = day_bounds(day)
        pages = []
        for brand_id, handle in self.accounts.items():
            account = self._page_landed("mentions", day, brand_id, handle)
            pages.append(account)
            for resp in self.edge_pages(account.json()["id"], "tagged", TAGGED_FIELDS, start, end):
                ctx = {"brand_id": brand_id, "handle": handle}
                pages.append(self.land(resp, "mentions", day, "tagged", ctx))
        return pages

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        return [self._page_landed("account_snapshots", day, b, h) for b, h in self.accounts.items()]

    # ---- parsing: landed pages -> canonical records --------------------------------------------------

    def _tracked_pages(self, pages: list[LandedPage]) -> dict[str, dict]:
        """page id -> its look-up (with brand_id and handle), from the look-ups landed with the day."""
        out = {}
        for p in pages:
            if p.kind == "account":
                try:
                    body = p.json()
                    out[str(body["id"])] = {
                        **body,
                        "brand_id": p.context["brand_id"],
                        "handle": p.context["handle"],
                    }
                except (KeyError, TypeError, ValueError):
                    continue
        return out

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked_pages(pages)
        records: dict[str, dict] = {}
        bad: list[dict] = []
        for page, post in _items(pages, "posts", bad):
            try:
                created = graph_time(post.get("created_time"))
                if not start <= created < end:
                    continue
                page_id = str(post["id"]).split("_", 1)[0]
                text = post.get("message") or ""
                records[str(post["id"])] = {
                    "platform": PLATFORM,
                    "post_id": str(post["id"]),
                    "brand_id": page.context["brand_id"],
                    "account_id": page_id,
                    "account_handle": tracked.get(page_id, {}).get("handle"),
                    "created_at": created,
                    "text": text,
                    "lang": None,  # the Graph API reports no language for posts
                    "url": post.get("permalink_url"),
                    "post_type": "post",  # the posts edge holds the Page's own top-level posts
                    "hashtags": _HASHTAG.findall(text),
                    **_engagement(post, page),
                    "view_count": None,  # views only through Page Insights, not this edge
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(post, page, exc))
        return list(records.values()), bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked_pages(pages)
        records: dict[str, dict] = {}
        bad: list[dict] = []
        for page, comment in _items(pages, "comments", bad):
            root_id = str(page.context["post_id"])
            try:
                created = graph_time(comment.get("created_time"))
                if not start <= created < end:
                    continue
                comment_id, parent_id = _comment_ids(comment, root_id)
                author = comment.get("from")
                if isinstance(author, dict):
                    aid = str(author["id"])
                    is_tracked = aid in tracked
                    author_id = aid if is_tracked else self.pseudonymize(PLATFORM, aid)
                    author_handle = tracked[aid]["handle"] if is_tracked else None
                else:  # `from` is withheld without the pages_read_user_content permission
                    author_id = author_handle = is_tracked = None
                records[comment_id] = {
                    "platform": PLATFORM,
                    "comment_id": comment_id,
                    "post_id": root_id,
                    "parent_id": parent_id,
                    "brand_id": page.context["brand_id"],
                    "author_id": author_id,
                    "author_handle": author_handle,
                    "is_from_tracked_account": is_tracked,
                    "created_at": created,
                    "text": comment.get("message") or "",
                    "lang": None,
                    "like_count": comment.get("like_count"),
                    "reply_count": comment.get("comment_count"),
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(comment, page, exc))
        return list(records.values()), bad

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked_pages(pages)
        # A post tagging two Pages comes in both edges: gather the Pages it was found under first.
        found: dict[str, tuple[LandedPage, dict, set[str]]] = {}
        bad: list[dict] = []
        for page, post in _items(pages, "tagged", bad):
            try:
                pid = str(post["id"])
                entry = found.setdefault(pid, (page, post, set()))
                entry[2].add(page.context["handle"])
            except (KeyError, TypeError) as exc:
                bad.append(quarantined(post, page, exc))
        records: dict[tuple[str, str], dict] = {}
        for pid, (page, post, handles) in found.items():
            try:
                created = graph_time(post.get("created_time"))
                if not start <= created < end:
                    continue
                text = post.get("message") or ""
                hashtags = _HASHTAG.findall(text)
                for tag in post.get("message_tags") or []:
                    if str(tag.get("id")) in tracked:
                        handles.add(tracked[str(tag["id"])]["handle"])
                author = post.get("from") or {}
                aid = str(author["id"]) if "id" in author else None
                own = tracked.get(aid) if aid else None
                for m in self.matcher.match(text, hashtags, sorted(handles)):
                    if own is not None and own["brand_id"] == m.brand_id:
                        continue  # a brand's own post is not a mention of it
                    records[(pid, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": pid,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": aid if own or aid is None else self.pseudonymize(PLATFORM, aid),
                        "author_handle": own["handle"] if own else None,
                        # a Page's followers are known from its look-up; a person's are not in the API
                        "author_followers": own.get("followers_count") if own else None,
                        "created_at": created,
                        "text": text,
                        "lang": None,
                        "url": post.get("permalink_url"),
                        "hashtags": hashtags,
                        **_engagement(post, page),
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(post, page, exc))
        return list(records.values()), bad

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        body = page.json()
        return [
            {
                "account_id": str(body["id"]),
                "account_handle": page.context["handle"],
                "followers": body.get("followers_count"),
                "following": None,  # Pages follow no one in the Graph API's terms
                "posts_count": None,  # no post count on a Page node
            }
        ]


def _items(pages: list[LandedPage], kind: str, bad: list[dict]):
    for page in pages:
        if page.kind != kind:
            continue
        try:
            body = page.json()
        except ValueError as exc:
            bad.append(quarantined(page.body, page, exc))
            continue
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list):
            bad.append(quarantined(page.body, page, ValueError("page holds no data list")))
            continue
        for item in items:
            if not isinstance(item, dict):
                bad.append(quarantined(item, page, ValueError("item is not an object")))
                continue
            yield page, item


def _asked_fields(page: LandedPage) -> set[str]:
    """The top-level field names the landed request asked for (its URL keeps `fields`)."""
    fields = parse_qs(urlsplit(page.url).query).get("fields", [""])[-1]
    return {re.split(r"[.{(]", f, maxsplit=1)[0] for f in re.split(r",(?![^{(]*[)}])", fields) if f}


def _engagement(post: dict, page: LandedPage) -> dict:
    def total(edge: str) -> int | None:
        value = ((post.get(edge) or {}).get("summary") or {}).get("total_count")
        return int(value) if value is not None else None

    shares = post.get("shares")
    if isinstance(shares, dict) and shares.get("count") is not None:
        share_count = int(shares["count"])
    else:
        # The API leaves `shares` out of a post never shared: that is a 0 only if we asked for it.
        share_count = 0 if "shares" in _asked_fields(page) else None
    return {"like_count": total("reactions"), "share_count": share_count, "reply_count": total("comments")}


def _comment_ids(comment: dict, root_id: str) -> tuple[str, str]:
    """(comment id, parent id): from the fields when present, else from permalink_url's query."""
    post_part = root_id.split("_")[-1]
    query = parse_qs(urlsplit(comment.get("permalink_url") or "").query)
    top = query.get("comment_id", [None])[0]
    reply = query.get("reply_comment_id", [None])[0]
    if comment.get("id"):
        comment_id = str(comment["id"])
    elif reply or top:
        comment_id = f"{post_part}_{reply or top}"
    else:
        raise KeyError("id")
    if isinstance(comment.get("parent"), dict):
        parent_id = str(comment["parent"]["id"])
    elif reply and top:
        parent_id = f"{post_part}_{top}"
    else:
        parent_id = root_id
    return comment_id, parent_id


def _newest_first(start: dt.datetime, follow):
    """The posts and tagged edges come newest first: stop at the first page that reaches the day before."""
    return stop_before(
        start,
        follow,
        items=lambda body: body.get("data") if isinstance(body, dict) else None,
        created_at=lambda post: graph_time(post["created_time"]),
    )


Connector = FacebookConnector
