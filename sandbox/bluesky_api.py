"""The simulated Bluesky AppView (XRPC), rendering World(platform="bluesky") in Bluesky's wire format.

Shapes follow the recorded responses (shared/recorded/bluesky) and the app.bsky lexicons: at:// uris with
did:plc DIDs and TID record keys, cids, camelCase counters, body cursors (an ISO sortAt for author feeds, an
offset for search), RateLimit-* headers with an epoch reset, XRPC errors {"error", "message"}. Ids derive from
the world's snowflakes: the TID's microseconds are the snowflake's millisecond plus its sequence's high bits,
its clock id the sequence's low bits, so a uri maps back to its status.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from .ground_truth import ground_truth
from .ids import iso_ms, snowflake, unix_ms
from .limits import Quota
from .mastodon_api import Response
from .people import Account
from .platform_api import PlatformApi
from .status import Status
from .texts import Mention, Tag

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_POST = "app.bsky.feed.post"
_BAD_GATEWAY = "<html><head><title>{code}</title></head><body><h1>{code}</h1></body></html>"
INDEX_DELAY_MS = 250  # indexedAt trails createdAt: the AppView sees a post a moment after it is written
SESSION_HANDLE = "sandbox-reader.bsky.social"


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().lower().rstrip("=")


def tid(status_id: int) -> str:
    ms, seq = status_id >> 16, status_id & 0xFFFF
    value = ((ms * 1000 + (seq >> 10)) << 10) | (seq & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in range(12, -1, -1))


def status_id_of(rkey: str) -> int | None:
    if not re.fullmatch(rf"[{_TID_ALPHABET}]{{13}}", rkey):
        return None
    value = 0
    for ch in rkey:
        value = (value << 5) | _TID_ALPHABET.index(ch)
    micros, clock = value >> 10, value & 0x3FF
    ms, high = divmod(micros, 1000)
    return snowflake(ms, (high << 10) | clock) if high < 64 else None


class BlueskyApi(PlatformApi):
    def _setup(self) -> None:
        accounts = (*self.world.brand_accounts.values(), *self.world.members)
        self._by_did = {self.did(a): a for a in accounts}
        self._by_handle = {self.handle_of(a): a for a in accounts}
        self._routes = {
            "app.bsky.actor.getProfile": self._get_profile,
            "app.bsky.actor.getProfiles": self._get_profiles,
            "app.bsky.feed.getAuthorFeed": self._author_feed,
            "app.bsky.feed.getPostThread": self._post_thread,
            "app.bsky.feed.searchPosts": self._search_posts,
        }

    # -- identities ----------------------------------------------------------------------------------------

    @staticmethod
    def did(account: Account) -> str:
        return "did:plc:" + _b32(hashlib.sha256(f"did:{account.id}".encode()).digest())[:24]

    @staticmethod
    def handle_of(account: Account) -> str:
        # Brands keep the handle brands.yaml names; members get a valid handle (no '_') on bsky.social.
        return account.acct if account.brand_id else f"{account.username.replace('_', '-')}.bsky.social"

    def uri(self, status: Status) -> str:
        return f"at://{self.did(status.account)}/{_POST}/{tid(status.id)}"

    @staticmethod
    def cid(uri: str) -> str:
        return "bafyrei" + _b32(hashlib.sha256(uri.encode()).digest())[:52]

    def _actor(self, value: str | None) -> Account:
        value = (value or "").strip().lstrip("@").lower()
        account = self._by_did.get(value) or self._by_handle.get(value)
        if account is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        return account

    def _status_at(self, uri: str | None) -> Status:
        m = re.fullmatch(rf"at://(did:plc:[a-z2-7]{{24}})/{_POST}/(\w+)", uri or "")
        account = self._by_did.get(m.group(1)) if m else None
        sid = status_id_of(m.group(2)) if m else None
        status = self.world.status(sid) if sid is not None else None
        if status is None or status.account is not account:
            raise XrpcError(400, "NotFound", f"Post not found: {uri}")
        return status

    # -- entry point ------------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path.startswith("/_sandbox/"):
            return self._sandbox(method, parts.path, {k: v[-1] for k, v in query.items()})
        number = self.next_request_number()
        quota = self.limiter.hit()
        fault = self.faults.fault_for(number)
        if fault in ("500", "502", "503"):
            return self._server_error(int(fault), quota)
        if fault == "429" or not quota.allowed:
            extra = [("Retry-After", str(self.faults.retry_after_seconds))] if fault == "429" else []
            return self._json(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                quota,
                extra,
                remaining=0,
            )
        nsid = parts.path.removeprefix("/xrpc/") if parts.path.startswith("/xrpc/") else None
        try:
            if nsid == "com.atproto.server.createSession":
                if method != "POST":
                    raise XrpcError(405, "InvalidRequest", "Incorrect HTTP method (GET) expected procedure")
                response = self._json(200, self._session(), quota)
            else:
                self._authorize(headers)
                handler = self._routes.get(nsid or "")
                if handler is None:
                    raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
                if method != "GET":
                    raise XrpcError(405, "InvalidRequest", f"Incorrect HTTP method ({method}) expected query")
                response = self._json(200, handler(query), quota)
        except XrpcError as exc:
            response = self._json(exc.status, {"error": exc.error, "message": exc.message}, quota)
        response.truncate = fault == "truncated"
        return response

    def _authorize(self, headers: Mapping[str, str]) -> None:
        if self.access_token is None:
            return
        authorization = headers.get("Authorization") or ""
        if not authorization:
            raise XrpcError(401, "AuthMissing", "Authentication Required")
        if authorization != f"Bearer {self.access_token}":
            raise XrpcError(401, "InvalidToken", "Token could not be verified")

    def _session(self) -> dict:
        """A session for the sandbox's reader account. The HTTP server hands the API no request body, so
        the identifier and app password cannot be checked: any POST gets the configured token."""
        did = "did:plc:" + _b32(hashlib.sha256(SESSION_HANDLE.encode()).digest())[:24]
        return {
            "did": did,
            "handle": SESSION_HANDLE,
            "didDoc": {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": did,
                "alsoKnownAs": [f"at://{SESSION_HANDLE}"],
                "service": [
                    {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.base}
                ],
            },
            "accessJwt": self.access_token or "sandbox-access-jwt",
            "refreshJwt": "sandbox-refresh-jwt",
            "active": True,
        }

    # -- endpoints ----------------------------------------------------------------------------------------

    def _get_profile(self, q: dict[str, list[str]]) -> dict:
        return self.profile(self._actor(_one(q, "actor", required=True)))

    def _get_profiles(self, q: dict[str, list[str]]) -> dict:
        actors = q.get("actors") or []
        if not actors:
            raise XrpcError(400, "InvalidRequest", 'Error: Params must have the property "actors"')
        if len(actors) > 25:
            raise XrpcError(400, "InvalidRequest", "Error: actors must not have more than 25 elements")
        found = []
        for actor in actors:
            try:
                found.append(self.profile(self._actor(actor)))
            except XrpcError:
                continue  # unknown actors are left out, not an error
        return {"profiles": found}

    def _author_feed(self, q: dict[str, list[str]]) -> dict:
        account = self._actor(_one(q, "actor", required=True))
        limit = _limit(q, 50)
        feed_filter = _one(q, "filter") or "posts_with_replies"
        keep = {
            "posts_with_replies": None,
            "posts_no_replies": lambda s: s.parent is None,
            "posts_and_author_threads": lambda s: s.root is None or s.root.account is account,
            "posts_with_media": lambda s: False,
            "posts_with_video": lambda s: False,
        }
        if feed_filter not in keep:
            raise XrpcError(400, "InvalidRequest", f"Error: filter must be one of {', '.join(keep)}")
        # The cursor is the sortAt of the last item served: the next page starts strictly before it.
        max_id = snowflake(_cursor_ms(_one(q, "cursor"))) if _one(q, "cursor") else None
        page = self.world.page(
            lambda d: d.by_account.get(account.id), limit, max_id=max_id, keep=keep[feed_filter]
        )
        out: dict = {"feed": [self._feed_item(s) for s in page]}
        if len(page) == limit:
            out["cursor"] = iso_ms(page[-1].ms)
        return out

    def _post_thread(self, q: dict[str, list[str]]) -> dict:
        status = self._status_at(_one(q, "uri", required=True))
        depth = _bounded(q, "depth", 6, 0, 1000)
        height = _bounded(q, "parentHeight", 80, 0, 1000)
        node = self._thread_node(status, depth)
        top, parent, up = node, status.parent, height
        while parent is not None and up > 0:
            top["parent"] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.post_view(parent)}
            top, parent, up = top["parent"], parent.parent, up - 1
        node["threadContext"] = {}
        return {"thread": node}

    def _thread_node(self, status: Status, depth: int) -> dict:
        node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.post_view(status)}
        if depth > 0:  # at the depth limit the AppView leaves `replies` out, though replyCount counts them
            node["replies"] = [self._thread_node(r, depth - 1) for r in self.world.replies(status)]
        return node

    def _search_posts(self, q: dict[str, list[str]]) -> dict:
        text = (_one(q, "q") or "").strip()
        if not text:
            raise XrpcError(400, "InvalidRequest", 'Error: Params must have the property "q"')
        limit = _limit(q, 25)
        offset = int(_one(q, "cursor") or 0) if (_one(q, "cursor") or "0").isdigit() else 0
        since, until = _one(q, "since"), _one(q, "until")
        lower = snowflake(_time_ms(since)) - 1 if since else None
        upper = snowflake(_time_ms(until)) if until else None
        mentions = _one(q, "mentions")
        if mentions:
            # Only rich-text mention facets count; the text query is then the handle itself.
            query = "@" + self._actor(mentions).acct
        else:
            query = text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
        found = self.world.search_statuses(query, limit, offset, max_id=upper, min_id=lower)
        out: dict = {"posts": [self.post_view(s) for s in found]}
        if len(found) == limit:
            out["cursor"] = str(offset + limit)
        return out

    # -- views --------------------------------------------------------------------------------------------

    def profile_basic(self, account: Account) -> dict:
        return {
            "did": self.did(account),
            "handle": self.handle_of(account),
            "displayName": account.display_name,
            "viewer": {"muted": False, "blockedBy": False},
            "labels": [],
            "createdAt": iso_ms(account.created_ms),
        }

    def profile(self, account: Account) -> dict:
        """app.bsky.actor.defs#profileViewDetailed (no recording of getProfile exists: shape from the lexicon)."""
        return {
            **self.profile_basic(account),
            "description": account.note,
            "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
            "indexedAt": iso_ms(account.created_ms),
            "followersCount": self.world.followers_count(account),
            "followsCount": account.following,
            "postsCount": self.world.statuses_count(account),
        }

    def record(self, status: Status) -> dict:
        text, facets, pos = "", [], 0
        for seg in status.segments:
            if isinstance(seg, Tag):
                piece, feature = "#" + seg.name, {"$type": "app.bsky.richtext.facet#tag", "tag": seg.name}
            elif isinstance(seg, Mention):
                piece = "@" + self.handle_of(seg.account)
                feature = {"$type": "app.bsky.richtext.facet#mention", "did": self.did(seg.account)}
            else:
                piece, feature = seg, None
            size = len(piece.encode("utf-8"))  # facets index UTF-8 bytes, not characters
            if feature:
                facets.append({"features": [feature], "index": {"byteEnd": pos + size, "byteStart": pos}})
            text, pos = text + piece, pos + size
        out: dict = {"$type": _POST, "createdAt": iso_ms(status.ms)}
        if facets:
            out["facets"] = facets
        out["langs"] = [status.lang]
        if status.parent is not None:
            root = status.root or status.parent
            out["reply"] = {
                "parent": {"cid": self.cid(self.uri(status.parent)), "uri": self.uri(status.parent)},
                "root": {"cid": self.cid(self.uri(root)), "uri": self.uri(root)},
            }
        out["text"] = text
        return out

    def post_view(self, status: Status) -> dict:
        uri = self.uri(status)
        likes, reposts = self.world.engagement(status)
        return {
            "uri": uri,
            "cid": self.cid(uri),
            "author": self.profile_basic(status.account),
            "record": self.record(status),
            "replyCount": len(self.world.replies(status)),
            "repostCount": reposts,
            "likeCount": likes,
            "quoteCount": 0,
            "indexedAt": iso_ms(status.ms + INDEX_DELAY_MS),
            "viewer": {"threadMuted": False, "embeddingDisabled": False},
            "labels": [],
        }

    def _feed_item(self, status: Status) -> dict:
        item: dict = {"post": self.post_view(status)}
        if status.parent is not None:
            root = status.root or status.parent
            item["reply"] = {
                "root": {"$type": "app.bsky.feed.defs#postView", **self.post_view(root)},
                "parent": {"$type": "app.bsky.feed.defs#postView", **self.post_view(status.parent)},
            }
        return item

    # -- wire -----------------------------------------------------------------------------------------

    def _rate_headers(self, quota: Quota, remaining: int | None = None) -> list[tuple[str, str]]:
        return [
            ("RateLimit-Limit", str(quota.limit)),
            ("RateLimit-Remaining", str(quota.remaining if remaining is None else remaining)),
            ("RateLimit-Reset", str(int(quota.reset_at))),
            ("RateLimit-Policy", f"{quota.limit};w={self.rule.period_seconds}"),
        ]

    def _json(
        self,
        status: int,
        payload: object,
        quota: Quota | None,
        extra: list[tuple[str, str]] = (),
        remaining: int | None = None,
    ) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "*"),
            ("Vary", "Accept-Encoding"),
            ("X-Request-Id", str(uuid.uuid4())),
            *extra,
        ]
        if quota is not None:
            headers += self._rate_headers(quota, remaining)
        return Response(status, body, headers)

    def _server_error(self, code: int, quota: Quota) -> Response:
        if code == 500:
            return self._json(
                500, {"error": "InternalServerError", "message": "Internal Server Error"}, quota
            )
        body = _BAD_GATEWAY.format(code=code).encode()  # the load balancer's page, not XRPC
        return Response(code, body, [("Content-Type", "text/html"), *self._rate_headers(quota)])

    # -- outside the API ---------------------------------------------------------------------------------

    def _sandbox(self, method: str, path: str, query: dict[str, str]) -> Response:
        if method != "GET":
            return self._json(405, {"error": "Method not allowed"}, None)
        if path == "/_sandbox/ground_truth":
            try:
                start = dt.date.fromisoformat(query.get("start", ""))
                end = dt.date.fromisoformat(query.get("end", ""))
            except ValueError:
                return self._json(422, {"error": "start and end must be dates, YYYY-MM-DD"}, None)
            return self._json(200, ground_truth(self.world, start, end), None)
        if path == "/_sandbox/info":
            w = self.world
            return self._json(
                200,
                {
                    "seed": w.seed,
                    "now": w.now.isoformat().replace("+00:00", "Z"),
                    "start": w.start.isoformat(),
                    "accounts": {
                        bid: {"did": self.did(a), "handle": self.handle_of(a)}
                        for bid, a in w.brand_accounts.items()
                    },
                },
                None,
            )
        return self._json(404, {"error": "Not Found"}, None)


def _one(q: dict[str, list[str]], name: str, required: bool = False) -> str | None:
    values = q.get(name)
    if not values or values[-1] == "":
        if required:
            raise XrpcError(400, "InvalidRequest", f'Error: Params must have the property "{name}"')
        return None
    return values[-1]


def _bounded(q: dict[str, list[str]], name: str, default: int, lo: int, hi: int) -> int:
    raw = _one(q, name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?\d+", raw):
        raise XrpcError(400, "InvalidRequest", f"Error: {name} must be an integer")
    value = int(raw)
    if value < lo:
        raise XrpcError(400, "InvalidRequest", f"Error: {name} can not be less than {lo}")
    if value > hi:
        raise XrpcError(400, "InvalidRequest", f"Error: {name} can not be greater than {hi}")
    return value


def _limit(q: dict[str, list[str]], default: int) -> int:
    return _bounded(q, "limit", default, 1, 100)


def _time_ms(value: str) -> int:
    """since/until: a datetime, or just a date."""
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            return unix_ms(dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC))
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise XrpcError(400, "InvalidRequest", f"Error: invalid datetime {value!r}") from None
    return unix_ms(t if t.tzinfo else t.replace(tzinfo=dt.UTC))


def _cursor_ms(value: str) -> int:
    try:
        return _time_ms(value)
    except XrpcError:
        raise XrpcError(400, "InvalidRequest", "Malformed cursor") from None


API = BlueskyApi
