"""The simulated Facebook Graph API (Pages; GET only), independent of the HTTP server.

Renders World(platform="facebook") as the Graph API does (shapes as in the recorded bodies of
shared/recorded/facebook): nodes and edges under an optional /vNN.N prefix, only the requested `fields`,
{"data": [...], "paging": {"cursors", "next", "previous"}} lists, created_time like 2021-06-15T07:39:02+0000,
rate limits as X-App-Usage percentages, errors {"error": {message, type, code, fbtrace_id}} with the Graph's
codes (throttling is HTTP 400 with code 4, not 429). Ids: a Page or person is its world account id, a post
"<page id>_<status id>", a comment "<post's status id>_<status id>".

Only what the real API exposes: no search; /{page}/tagged lists the top-level posts by others that tag the
Page (comments that tag it are not posts); Facebook threads have two levels, so a reply to a reply is filed
under its top-level comment (parent{id}), and comment_count of a top-level comment counts them all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from .ids import from_ms, snowflake
from .limits import Quota
from .mastodon_api import MastodonApi, Response
from .people import Account
from .platform_api import PlatformApi
from .status import Status
from .texts import Mention

DEFAULT_LIMIT, MAX_LIMIT = 25, 100
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")
_TOP_LEVEL_COMMA = re.compile(r",(?![^{(]*[)}])")
_BAD_GATEWAY = "<html><body><h1>{code} {reason}</h1></body></html>"


class GraphError(Exception):
    def __init__(self, status: int, message: str, code: int, kind: str = "GraphMethodException"):
        super().__init__(message)
        self.status, self.message, self.code, self.kind = status, message, code, kind


def requested(fields: str | None, default: str) -> dict[str, str]:
    """Top-level field name -> its full spec (modifiers and sub-fields), e.g. comments -> comments.summary(true)."""
    out = {}
    for spec in _TOP_LEVEL_COMMA.split(fields or default):
        spec = spec.strip()
        if spec:
            out[re.split(r"[.{(]", spec, maxsplit=1)[0]] = spec
    return out


def graph_time(ms: int) -> str:
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _cursor(status_id: int) -> str:
    return base64.urlsafe_b64encode(str(status_id).encode()).decode().rstrip("=")


def _uncursor(value: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        raise GraphError(400, "Invalid cursor", 100) from None


class FacebookApi(PlatformApi):
    def _setup(self) -> None:
        # The ground truth and world facts outside the API are the same for every platform.
        self._outside = MastodonApi(self.world, self.base)
        self._pages = {str(a.id): a for a in self.world.brand_accounts.values()}

    # -- entry point --------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        path = _VERSION.sub("", parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith("/_sandbox/"):
            return self._outside.handle(method, target, headers)
        number = self.next_request_number()
        quota = self.limiter.hit()
        fault = self.faults.fault_for(number)
        if fault in ("500", "502", "503"):
            return self._server_error(int(fault), quota)
        if fault == "429" or not quota.allowed:
            # The Graph API throttles with HTTP 400 and code 4; the wait is in the usage header, in minutes.
            wait = self.faults.retry_after_seconds if fault == "429" else quota.retry_after
            error = GraphError(400, "(#4) Application request limit reached", 4, "OAuthException")
            return self._error(error, quota, used=100, regain_minutes=math.ceil(wait / 60))
        token = query.get("access_token")
        if self.access_token is not None and token != self.access_token:
            if not token:
                error = GraphError(400, "An access token is required to request this resource.", 104,
                                   "OAuthException")  # fmt: skip
            else:
                error = GraphError(400, "Invalid OAuth access token - Cannot parse access token", 190,
                                   "OAuthException")  # fmt: skip
            return self._error(error, quota)
        if method != "GET":
            return self._error(
                GraphError(400, "Unsupported request: the sandbox API is read-only", 100), quota
            )
        try:
            response = self._json(200, self._route(path, query), quota)
        except GraphError as exc:
            response = self._error(exc, quota)
        response.truncate = fault == "truncated"
        return response

    def _route(self, path: str, query: dict[str, str]) -> object:
        segments = [s for s in path.split("/") if s]
        if len(segments) == 1:
            return self._page_node(self._page(segments[0]), query)
        if len(segments) == 2 and segments[1] in ("posts", "feed", "tagged"):
            return self._page_edge(self._page(segments[0]), segments[1], query)
        if len(segments) == 2 and segments[1] == "comments":
            return self._comments(segments[0], query)
        raise GraphError(400, f"Unknown path components: /{'/'.join(segments[1:])}", 2500, "OAuthException")

    # -- nodes and edges ------------------------------------------------------------------------------------

    def _page(self, name: str) -> Account:
        account = self._pages.get(name) or self.world.lookup(name)
        if account is None or account.brand_id is None:
            raise GraphError(404, f"(#803) Some of the aliases you requested do not exist: {name}", 803,
                             "OAuthException")  # fmt: skip
        return account

    def _page_node(self, account: Account, query: dict[str, str]) -> dict:
        followers = self.world.followers_count(account)
        node = {
            "id": str(account.id),
            "name": account.display_name,
            "username": account.username,
            "followers_count": followers,
            "fan_count": followers * 9 // 10,  # Page likes trail follows; the world only models the latter
            "link": f"https://www.facebook.com/{account.username}",
        }
        return _select(node, requested(query.get("fields"), "id,name"))

    def _page_edge(self, account: Account, edge: str, query: dict[str, str]) -> dict:
        limit = _limit(query)
        max_id = _uncursor(query["after"]) if query.get("after") else None
        since, until = _timestamp(query, "since"), _timestamp(query, "until")
        if until is not None:  # until is read as inclusive, to the second
            bound = snowflake((until + 1) * 1000)
            max_id = bound if max_id is None else min(max_id, bound)
        since_id = snowflake(since * 1000) - 1 if since is not None else None

        def keep(st: Status) -> bool:
            if edge == "tagged":
                return st.parent is None and st.account.id != account.id
            return st.kind == "post"  # /feed would add visitors' posts; the world's pages have none

        pick = (lambda d: d.by_mention.get(account.id)) if edge == "tagged" else (
            lambda d: d.by_account.get(account.id))  # fmt: skip
        found = self.world.page(pick, limit + 1, max_id, since_id, keep=keep)
        page, more = found[:limit], len(found) > limit
        fields = requested(
            query.get("fields"), "id,message,created_time" + (",from" if edge == "tagged" else "")
        )
        return self._list(f"/{account.id}/{edge}", query, [self._post(s, fields) for s in page], page, more)

    def _post(self, st: Status, fields: dict[str, str]) -> dict:
        favourites, reblogs = self.world.engagement(st)
        owner = st.account
        message, tags = self._message(st)
        comments = self.world.descendants(st)
        top = [c for c in comments if c.parent is st]
        stream = "filter(stream)" in fields.get("comments", "")
        node = {
            "id": self._post_id(st),
            "message": message,
            "created_time": graph_time(st.ms),
            "from": {"name": owner.display_name, "id": str(owner.id)},
            "permalink_url": f"https://www.facebook.com/{owner.id}/posts/{st.id}/",
            "status_type": "mobile_status_update",
            "message_tags": tags,
            "reactions": {"data": [], "summary": {"total_count": favourites, "viewer_reaction": "NONE"}},
            "comments": {
                "data": [],
                "summary": {
                    "order": "ranked",
                    "total_count": len(comments) if stream else len(top),
                    "can_comment": True,
                },
            },
        }
        if reblogs:  # the API leaves `shares` out of a post nobody shared
            node["shares"] = {"count": reblogs}
        if not tags:
            del node["message_tags"]
        return _select(node, fields)

    def _comments(self, node_id: str, query: dict[str, str]) -> dict:
        head, _, tail = node_id.partition("_")
        st = self.world.status(int(tail)) if head.isdigit() and tail.isdigit() else None
        if st is not None and st.kind == "post":
            found = head == str(st.account.id)
        else:  # a comment's id starts with its post's
            found = st is not None and st.root is not None and head == str(st.root.id)
        if not found:
            raise GraphError(400, f"Unsupported get request. Object with ID '{node_id}' does not exist", 100)
        root = st if st.kind == "post" else st.root
        everything = self.world.descendants(root)
        if st is root:
            items = (
                everything if query.get("filter") == "stream" else [c for c in everything if c.parent is root]
            )
        else:  # the replies filed under a top-level comment
            items = [c for c in everything if c.parent is not root and _top(c) is st]
        items = sorted(items, key=lambda c: c.id)
        if query.get("order") == "reverse_chronological":
            items.reverse()
        total = len(items)
        if query.get("after"):
            after = _uncursor(query["after"])
            items = [c for c in items if (c.id > after) != (query.get("order") == "reverse_chronological")]
        limit = _limit(query)
        page, more = items[:limit], len(items) > limit
        fields = requested(query.get("fields"), "id,message,created_time,from")
        data = [self._comment(c, root, everything, fields) for c in page]
        body = self._list(f"/{node_id}/comments", query, data, page, more)
        if query.get("summary", "").lower() in ("1", "true"):
            body["summary"] = {"order": "chronological", "total_count": total, "can_comment": True}
        return body

    def _comment(self, c: Status, root: Status, everything: list[Status], fields: dict[str, str]) -> dict:
        favourites, _ = self.world.engagement(c)
        top = _top(c)
        message, tags = self._message(c)
        link = f"https://www.facebook.com/{root.account.id}/posts/{root.id}/?comment_id={top.id}"
        node = {
            "id": f"{root.id}_{c.id}",
            "message": message,
            "created_time": graph_time(c.ms),
            "from": {"name": c.account.display_name, "id": str(c.account.id)},
            "like_count": favourites,
            "comment_count": sum(1 for d in everything if d is not c and _top(d) is c) if top is c else 0,
            "permalink_url": link if top is c else f"{link}&reply_comment_id={c.id}",
            "message_tags": tags,
        }
        if top is not c:
            node["parent"] = {"id": f"{root.id}_{top.id}"}
        if not tags:
            del node["message_tags"]
        return _select(node, fields)

    # -- helpers ------------------------------------------------------------------------------------------

    def _post_id(self, st: Status) -> str:
        return f"{st.account.id}_{st.id}"

    def _message(self, st: Status) -> tuple[str, list[dict]]:
        """The text as Facebook shows it: a tagged Page or person by name, listed in message_tags."""
        parts, tags, offset = [], [], 0
        for seg in st.segments:
            if isinstance(seg, Mention):
                name = seg.account.display_name
                kind = "page" if seg.account.brand_id else "user"
                tags.append({"id": str(seg.account.id), "name": name, "type": kind, "offset": offset,
                             "length": len(name)})  # fmt: skip
                text = name
            else:
                text = str(seg) if isinstance(seg, str) else "#" + seg.name
            parts.append(text)
            offset += len(text)
        return "".join(parts), tags

    def _list(self, path: str, query: dict[str, str], data: list, page: list[Status], more: bool) -> dict:
        params = {k: v for k, v in query.items() if k not in ("after", "before")}
        paging: dict = {}
        if page:
            paging["cursors"] = {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}
            if query.get("after"):
                paging["previous"] = (
                    f"{self.base}{path}?{urlencode({**params, 'before': _cursor(page[0].id)})}"
                )
            if more:
                paging["next"] = f"{self.base}{path}?{urlencode({**params, 'after': _cursor(page[-1].id)})}"
        body = {"data": data}
        if paging:
            body["paging"] = paging
        return body

    def _headers(self, quota: Quota | None, used: int | None = None, regain_minutes: int = 0) -> list:
        if quota is None:
            return []
        pct = used if used is not None else math.ceil(100 * (quota.limit - quota.remaining) / quota.limit)
        headers = [("X-App-Usage", json.dumps({"call_count": pct, "total_cputime": pct // 2,
                                                "total_time": pct // 2}))]  # fmt: skip
        if regain_minutes:
            headers.append(("X-Business-Use-Case-Usage", json.dumps({
                str(a.id): [{"type": "pages", "call_count": pct, "total_cputime": pct // 2,
                             "total_time": pct // 2, "estimated_time_to_regain_access": regain_minutes}]
                for a in self.world.brand_accounts.values()})))  # fmt: skip
        return headers

    def _json(self, status: int, payload: object, quota: Quota | None, extra: list = ()) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=UTF-8"),
            ("Cache-Control", "private, no-cache, no-store, must-revalidate"),
            ("facebook-api-version", "v19.0"),
            ("x-fb-trace-id", hashlib.md5(body, usedforsecurity=False).hexdigest()[:11]),
            *extra,
            *self._headers(quota),
        ]
        return Response(status, body, headers)

    def _error(self, exc: GraphError, quota: Quota | None, used: int | None = None, regain_minutes: int = 0):
        trace = hashlib.md5(exc.message.encode(), usedforsecurity=False).hexdigest()[:11]
        payload = {"error": {"message": exc.message, "type": exc.kind, "code": exc.code, "fbtrace_id": trace}}
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = [("Content-Type", "application/json; charset=UTF-8"), ("WWW-Authenticate", "OAuth")]
        return Response(exc.status, body, headers + self._headers(quota, used, regain_minutes))

    def _server_error(self, code: int, quota: Quota) -> Response:
        if code == 500:
            error = GraphError(500, "An unknown error has occurred.", 1, "OAuthException")
            return self._error(error, quota)
        reason = {502: "Bad Gateway", 503: "Service Unavailable"}[code]
        body = _BAD_GATEWAY.format(code=code, reason=reason).encode()
        return Response(code, body, [("Content-Type", "text/html"), *self._headers(quota)])

    def info(self) -> dict:
        return self._outside.info()


def _top(c: Status) -> Status:
    """The top-level comment a comment is filed under (itself when it answers the post)."""
    while c.parent is not None and c.parent.parent is not None:
        c = c.parent
    return c


def _select(node: dict, fields: dict[str, str]) -> dict:
    """Only the fields asked for, as the Graph API answers (and `id`, which it always adds)."""
    out = {k: v for k, v in node.items() if k in fields or k == "id"}
    if "parent" in out and "{" in fields.get("parent", ""):
        out["parent"] = {"id": out["parent"]["id"]}
    return out


def _limit(query: dict[str, str]) -> int:
    value = query.get("limit") or str(DEFAULT_LIMIT)
    if not value.isdigit():
        raise GraphError(400, f"(#100) Param limit must be a number, got {value!r}", 100, "OAuthException")
    return max(1, min(MAX_LIMIT, int(value)))


def _timestamp(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        return int(dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).timestamp())
    except ValueError:
        raise GraphError(
            400, f"(#100) Param {name} must be a unix time or a date", 100, "OAuthException"
        ) from None


API = FacebookApi
