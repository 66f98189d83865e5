"""The simulated world in the YouTube Data API v3 wire format (GET only), independent of the HTTP server.

The world's model maps onto YouTube as: a brand account is a channel, a top-level status a video (a brand's
post, a member's mention, campaign or noise), the direct replies to a brand's video its comment threads,
and everything deeper in a thread a reply filed under the thread's top-level comment (YouTube keeps two
levels: snippet.parentId is always the top-level comment). Shapes follow the recorded responses
(tests/fixtures/recorded/youtube): list responses with kind/etag/pageInfo/items, opaque nextPageToken,
counts as decimal strings, HTML-escaped and shortened search snippets, Google's JSON error bodies. No
rate-limit headers: a spent quota is 403 quotaExceeded. The API key travels as ?key=.

Ids are derived from the world's snowflake ids and decode back to them: video ids are 11 base64url
characters (64 bits, as YouTube's), channel ids UC + 22, top-level comment ids Ugx + 16 + 4AaABAg, reply
ids <thread id>.<22>.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from .ground_truth import ground_truth
from .ids import from_ms, snowflake, unix_ms
from .mastodon_api import Response
from .people import Account
from .platform_api import PlatformApi
from .status import Status
from .world import WORD, DayIndex

SEARCH_DEFAULT, SEARCH_MAX = 5, 50
LIST_DEFAULT, LIST_MAX = 20, 100
# commentThreads(part=replies) carries at most this many replies per thread (the world's threads seldom have
# more: tests lower it to make the client page comments.list)
EMBEDDED_REPLIES = 5
SEARCH_DESCRIPTION_CHARS = 160  # search snippets cut descriptions short ("...")
TITLE_CHARS = 100  # YouTube's title limit
_MASK = 0x9E3779B97F4A7C15  # odd: multiplying by it mod 2**64 is a bijection, so ids decode back
_ALL = (1 << 64) - 1
_UNMASK = pow(_MASK, -1, 1 << 64)
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
}
_STATUS_NAMES |= {500: "INTERNAL", 503: "UNAVAILABLE"}
_GFE_502 = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
    "<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error and could not "
    "complete your request.<p>Please try again in 30 seconds. <ins>That's all we know.</ins></html>"
)


class ApiError(Exception):
    def __init__(self, status: int, reason: str, message: str, domain: str = "youtube.parameter"):
        super().__init__(message)
        self.status, self.reason, self.message, self.domain = status, reason, message, domain


# -- ids ------------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        return None


def _check(n: int) -> bytes:
    return hashlib.sha256(n.to_bytes(8, "big")).digest()


def _mix(n: int) -> int:
    """A bijection on 64 bits that spreads snowflakes (whose low bits are mostly zero) over the whole id."""
    x = ((n << 23) | (n >> 41)) & _ALL
    x = (x * _MASK) & _ALL
    return x ^ (x >> 32)


def _unmix(x: int) -> int:
    x = ((x ^ (x >> 32)) * _UNMASK) & _ALL
    return ((x >> 23) | (x << 41)) & _ALL


def _encode(n: int, check_bytes: int) -> str:
    return _b64(_mix(n).to_bytes(8, "big") + _check(n)[:check_bytes])


def _decode(text: str, check_bytes: int) -> int | None:
    raw = _unb64(text)
    if raw is None or len(raw) != 8 + check_bytes:
        return None
    n = _unmix(int.from_bytes(raw[:8], "big"))
    return n if raw[8:] == _check(n)[:check_bytes] else None


def video_id(status: Status) -> str:
    return _encode(status.id, 0)


def channel_id(account: Account) -> str:
    return "UC" + _encode(account.id, 8)


def thread_id(status: Status) -> str:
    return "Ugx" + _encode(status.id, 4) + "4AaABAg"


def reply_id(thread: Status, status: Status) -> str:
    return f"{thread_id(thread)}.{_encode(status.id, 8)}"


def _rfc3339(ms: int) -> str:
    # As recorded: whole seconds, written with a .000 fraction.
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _etag(payload: object) -> str:
    return _b64(hashlib.sha1(json.dumps(payload, sort_keys=True).encode(), usedforsecurity=False).digest())[
        :27
    ]


def _three_significant(n: int) -> int:
    """YouTube shows subscriber counts rounded down to three significant figures."""
    if n < 1000:
        return n
    step = 10 ** (len(str(n)) - 3)
    return n // step * step


def _hash_pick(value: int, salt: str, one_in: int) -> bool:
    return int.from_bytes(hashlib.sha256(f"{salt}:{value}".encode()).digest()[:4], "big") % one_in == 0


class YouTubeApi(PlatformApi):
    def _setup(self) -> None:
        self.api_key = self.access_token  # YouTube's public data takes an API key, ?key=
        self._video_counts: dict[str, int] = {}
        self._channels = {
            channel_id(a): a for a in (*self.world.brand_accounts.values(), *self.world.members)
        }
        self._routes = {
            "/youtube/v3/channels": self._channels_list,
            "/youtube/v3/search": self._search,
            "/youtube/v3/videos": self._videos,
            "/youtube/v3/commentThreads": self._comment_threads,
            "/youtube/v3/comments": self._comments,
        }

    # -- entry point --------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path.startswith("/_sandbox/"):
            return self._sandbox(method, parts.path, query)
        number = self.next_request_number()
        quota = self.limiter.hit()
        fault = self.faults.fault_for(number)
        if fault == "502":
            return Response(502, _GFE_502.encode(), [("Content-Type", "text/html; charset=UTF-8")])
        if fault in ("500", "503"):
            msg = "Internal error encountered." if fault == "500" else "The service is currently unavailable."
            return self._error(ApiError(int(fault), "backendError", msg, "global"))
        if fault == "429":
            error = ApiError(
                429, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).", "global"
            )
            return self._error(error, [("Retry-After", str(self.faults.retry_after_seconds))])
        try:
            if self.api_key is not None:
                key = query.get("key")
                if not key:
                    raise ApiError(
                        403,
                        "forbidden",
                        "Method doesn't allow unregistered callers (callers without established identity)."
                        " Please use API Key or other form of API consumer identity to call this API.",
                        "global",
                    )
                if key != self.api_key:
                    raise ApiError(
                        400, "badRequest", "API key not valid. Please pass a valid API key.", "global"
                    )
            if not quota.allowed:
                raise ApiError(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your "
                    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                    "youtube.quota",
                )
            if method != "GET":
                raise ApiError(405, "methodNotAllowed", "The sandbox API is read-only.", "global")
            handler = self._routes.get(parts.path)
            if handler is None:
                raise ApiError(404, "notFound", "Not Found", "global")
            if not query.get("part"):
                raise ApiError(400, "required", "Required parameter: part")
            response = self._json(200, handler(query))
        except ApiError as exc:
            response = self._error(exc)
        response.truncate = fault == "truncated"
        return response

    # -- channels ------------------------------------------------------------------------------------------

    def _channels_list(self, q: dict[str, str]) -> dict:
        if q.get("forHandle"):
            found = self.world.lookup(q["forHandle"])
            accounts = [found] if found else []
        elif q.get("id"):
            accounts = [a for cid in q["id"].split(",") if (a := self._channels.get(cid.strip()))]
        else:
            raise ApiError(
                400, "missingRequiredParameter", "No filter selected. Expected one of: forHandle, id, mine"
            )
        parts = set(q["part"].split(","))
        items = [self._channel_json(a, parts) for a in accounts]
        body: dict = {"kind": "youtube#channelListResponse", "etag": _etag(items)}
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": 5}
        if items:  # YouTube leaves "items" out when nothing matched
            body["items"] = items
        return body

    def _channel_json(self, account: Account, parts: set[str]) -> dict:
        cid = channel_id(account)
        out: dict = {"kind": "youtube#channel", "etag": _etag(cid), "id": cid}
        if "snippet" in parts:
            out["snippet"] = {
                "title": account.display_name,
                "description": account.note,
                "customUrl": "@" + account.username.lower(),
                "publishedAt": from_ms(account.created_ms).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "thumbnails": _thumbnails(f"https://yt3.ggpht.com/{cid}", (88, 240, 800)),
                "localized": {"title": account.display_name, "description": account.note},
            }
        if "statistics" in parts:
            followers = self.world.followers_count(account)
            stats: dict = {"viewCount": str(followers * 37 + 1000), "subscriberCount": None}
            hidden = account.brand_id is None and _hash_pick(account.id, "hidden-subscribers", 10)
            if hidden:
                del stats["subscriberCount"]
            else:
                stats["subscriberCount"] = str(_three_significant(followers))
            stats["hiddenSubscriberCount"] = hidden
            stats["videoCount"] = str(self._video_count(account))
            out["statistics"] = stats
        if "contentDetails" in parts:
            out["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": "UU" + cid[2:]}}
        return out

    def _video_count(self, account: Account) -> int:
        if account.brand_id is None:
            return account.statuses_count
        bid = account.brand_id
        if bid not in self._video_counts:
            # Every video up to now: the brand's top-level posts, counted from the simulation day by day.
            self._video_counts[bid] = sum(
                p.ms <= self.world.now_ms for d in self.world.days() for p in self.world._all_posts(bid, d)
            )
        return self._video_counts[bid]

    # -- search ---------------------------------------------------------------------------------------------

    def _search(self, q: dict[str, str]) -> dict:
        if q.get("type", "video") != "video":
            raise ApiError(400, "invalidSearchFilter", "The sandbox searches videos only (type=video).")
        limit = _integer(q, "maxResults", SEARCH_DEFAULT, 0, SEARCH_MAX)
        after, before = _time(q, "publishedAfter"), _time(q, "publishedBefore")
        # publishedAfter and publishedBefore are both inclusive
        since_id = snowflake(after) - 1 if after is not None else None
        max_id = _cursor(q.get("pageToken")) or (snowflake(before + 1) if before is not None else None)
        pick, keep = self._search_filter(q)
        found = self.world.page(pick, limit + 1, max_id, since_id, keep=keep) if limit else []
        page, more = found[:limit], len(found) > limit
        items = [self._search_result(s) for s in page]
        body: dict = {"kind": "youtube#searchListResponse", "etag": _etag([i["id"] for i in items])}
        if more:
            body["nextPageToken"] = "C" + _encode(page[-1].id, 0)
        body["regionCode"] = "US"
        total = len(page)
        if more:  # an estimate, as YouTube's: exact within a time window, else a round million
            total = (
                len(self.world.page(pick, 100_000, max_id, since_id, keep=keep)) if since_id else 1_000_000
            )
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": limit}
        body["items"] = items
        return body

    def _search_filter(self, q: dict[str, str]):
        """(pick a day's candidates, keep one): videos only, of a channel and/or matching the query."""
        account = None
        if q.get("channelId"):
            account = self._channels.get(q["channelId"])
            if account is None:
                return (lambda d: None), None
        text = (q.get("q") or "").strip()

        def is_video(st: Status) -> bool:
            return st.parent is None and (account is None or st.account.id == account.id)

        if not text:
            if account is None:
                raise ApiError(400, "missingRequiredParameter", "Search needs q or channelId in the sandbox.")
            return (lambda d: d.by_account.get(account.id)), is_video
        if text.startswith("@"):
            mentioned = self.world.lookup(text)
            if mentioned is None:
                return (lambda d: None), None
            return (lambda d: d.by_mention.get(mentioned.id)), is_video
        if text.startswith("#") and WORD.fullmatch(text[1:]):
            return (lambda d: d.by_tag.get(text[1:].lower())), is_video
        words = WORD.findall(text.lower())
        if not words:
            return (lambda d: None), None
        phrase = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE)

        def rarest(d: DayIndex) -> list[Status]:
            return min((d.by_word.get(w, []) for w in words), key=len)

        return rarest, lambda st: is_video(st) and bool(phrase.search(st.text))

    def _search_result(self, st: Status) -> dict:
        title, description = _title_and_description(st)
        if len(description) > SEARCH_DESCRIPTION_CHARS:
            description = description[:SEARCH_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ..."
        vid = video_id(st)
        return {
            "kind": "youtube#searchResult",
            "etag": _etag(["search", vid]),
            "id": {"kind": "youtube#video", "videoId": vid},
            "snippet": {
                "publishedAt": _rfc3339(st.ms),
                "channelId": channel_id(st.account),
                "title": html.escape(title),  # search snippets come HTML-escaped, as recorded
                "description": html.escape(description),
                "thumbnails": _thumbnails(f"https://i.ytimg.com/vi/{vid}", (120, 320, 480)),
                "channelTitle": html.escape(st.account.display_name),
                "liveBroadcastContent": "none",
            },
        }

    # -- videos ---------------------------------------------------------------------------------------------

    def _video(self, vid: str) -> Status | None:
        n = _decode(vid, 0)
        st = self.world.status(n) if n is not None else None
        return st if st is not None and st.parent is None else None

    def _videos(self, q: dict[str, str]) -> dict:
        ids = [v.strip() for v in (q.get("id") or "").split(",") if v.strip()]
        if not ids:
            raise ApiError(400, "missingRequiredParameter", "No filter selected. Expected one of: id, chart")
        if len(ids) > 50:
            raise ApiError(400, "invalidParameter", "The request specifies more than 50 video ids.")
        parts = set(q["part"].split(","))
        items = [self._video_json(st, parts) for v in ids if (st := self._video(v))]
        return {
            "kind": "youtube#videoListResponse",
            "etag": _etag([i["id"] for i in items]),
            "items": items,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        }

    def _video_json(self, st: Status, parts: set[str]) -> dict:
        vid = video_id(st)
        out: dict = {"kind": "youtube#video", "etag": _etag(["video", vid]), "id": vid}
        title, description = _title_and_description(st)
        if "snippet" in parts:
            out["snippet"] = {
                "publishedAt": _rfc3339(st.ms),
                "channelId": channel_id(st.account),
                "title": title,
                "description": description,
                "thumbnails": _thumbnails(f"https://i.ytimg.com/vi/{vid}", (120, 320, 480)),
                "channelTitle": st.account.display_name,
                "categoryId": "22",
                "liveBroadcastContent": "none",
                "localized": {"title": title, "description": description},
                "defaultAudioLanguage": st.lang,
            }
        if "statistics" in parts:
            likes, shares = self.world.engagement(st)
            stats = {"viewCount": str(likes * 23 + shares * 61 + 40), "likeCount": str(likes)}
            if st.account.brand_id is None and _hash_pick(st.id, "hidden-likes", 8):
                del stats["likeCount"]  # the uploader hid the likes
            stats["favoriteCount"] = "0"
            stats["commentCount"] = str(len(self.world.descendants(st)) if st.kind == "post" else 0)
            out["statistics"] = stats
        return out

    # -- comments -------------------------------------------------------------------------------------------

    def _comment_threads(self, q: dict[str, str]) -> dict:
        vid = q.get("videoId")
        if not vid:
            raise ApiError(
                400, "missingRequiredParameter", "No filter selected. Expected one of: videoId, id"
            )
        video = self._video(vid)
        if video is None:
            raise ApiError(
                404, "videoNotFound", "The video identified by the videoId parameter could not be found."
            )
        if video.kind != "post" and _hash_pick(video.id, "comments-off", 5):
            raise ApiError(
                403,
                "commentsDisabled",
                'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
                "videoId</a></code> parameter has disabled comments.",
                "youtube.commentThread",
            )
        limit = _integer(q, "maxResults", LIST_DEFAULT, 1, LIST_MAX)
        threads = []
        if video.kind == "post":  # direct replies, newest first (descendants() also numbers them all)
            threads = [s for s in reversed(self.world.descendants(video)) if s.parent is video]
        page, token = _offset_page(threads, q.get("pageToken"), limit)
        with_replies = "replies" in q["part"].split(",")
        items = [self._thread_json(t, video, with_replies) for t in page]
        body: dict = {"kind": "youtube#commentThreadListResponse", "etag": _etag([i["id"] for i in items])}
        if token:
            body["nextPageToken"] = token
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": limit}
        body["items"] = items
        return body

    def _thread_replies(self, top: Status) -> list[Status]:
        """Every reply under a top-level comment, however deep in the world's tree, newest first."""
        return sorted(self.world.descendants(top), key=lambda s: s.id, reverse=True)

    def _thread_json(self, top: Status, video: Status, with_replies: bool) -> dict:
        tid = thread_id(top)
        replies = self._thread_replies(top)
        out: dict = {
            "kind": "youtube#commentThread",
            "etag": _etag(["thread", tid]),
            "id": tid,
            "snippet": {
                "videoId": video_id(video),
                "topLevelComment": self._comment_json(top, tid, video),
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
            },
        }
        if with_replies and replies:
            out["replies"] = {
                "comments": [self._comment_json(r, reply_id(top, r)) for r in replies[:EMBEDDED_REPLIES]]
            }
        return out

    def _comment_json(self, st: Status, cid: str, video: Status | None = None) -> dict:
        """A comment: top-level ones name their video, replies their parent (the thread's top comment)."""
        author = channel_id(st.account)
        snippet: dict = {
            "authorDisplayName": st.account.display_name,
            "authorProfileImageUrl": f"https://yt3.ggpht.com/{author}=s48-c-k-c0xffffffff-no-rj-mo",
            "authorChannelUrl": f"http://www.youtube.com/channel/{author}",
            "authorChannelId": {"value": author},
        }
        if video is not None:
            snippet["videoId"] = video_id(video)
        snippet["textDisplay"] = html.escape(st.text).replace("\n", "<br>")
        snippet["textOriginal"] = st.text
        if video is None:
            snippet["parentId"] = cid.split(".", 1)[0]
        snippet |= {
            "canRate": True,
            "viewerRating": "none",
            "likeCount": self.world.engagement(st)[0],
            "publishedAt": _rfc3339(st.ms),
            "updatedAt": _rfc3339(st.ms),
        }
        return {"kind": "youtube#comment", "etag": _etag(["comment", cid]), "id": cid, "snippet": snippet}

    def _comments(self, q: dict[str, str]) -> dict:
        parent = q.get("parentId") or ""
        if not parent:
            raise ApiError(
                400, "missingRequiredParameter", "No filter selected. Expected one of: parentId, id"
            )
        n = _decode(parent[3:-7], 4) if parent.startswith("Ugx") and parent.endswith("4AaABAg") else None
        top = self.world.status(n) if n is not None else None
        if top is None or top.parent is None or top.parent.parent is not None:
            raise ApiError(
                404, "commentNotFound", "The comment identified by the parentId parameter could not be found."
            )
        limit = _integer(q, "maxResults", LIST_DEFAULT, 1, LIST_MAX)
        page, token = _offset_page(self._thread_replies(top), q.get("pageToken"), limit)
        items = [self._comment_json(r, reply_id(top, r)) for r in page]
        body: dict = {"kind": "youtube#commentListResponse", "etag": _etag([i["id"] for i in items])}
        if token:
            body["nextPageToken"] = token
        body["pageInfo"] = {"resultsPerPage": limit}
        body["items"] = items
        return body

    # -- responses ------------------------------------------------------------------------------------------

    def _json(self, status: int, payload: object, extra: list[tuple[str, str]] = ()) -> Response:
        body = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=UTF-8"),
            ("Vary", "Origin, X-Origin, Referer"),
            ("Cache-Control", "private"),
            *extra,
        ]
        return Response(status, body, headers)

    def _error(self, exc: ApiError, extra: list[tuple[str, str]] = ()) -> Response:
        error = {
            "code": exc.status,
            "message": exc.message,
            "errors": [{"message": exc.message, "domain": exc.domain, "reason": exc.reason}],
        }
        if exc.status in _STATUS_NAMES:
            error["status"] = _STATUS_NAMES[exc.status]
        return self._json(exc.status, {"error": error}, extra)

    # -- outside the YouTube API ----------------------------------------------------------------------------

    def _sandbox(self, method: str, path: str, query: dict[str, str]) -> Response:
        try:
            if method != "GET":
                raise ApiError(405, "methodNotAllowed", "Method not allowed")
            if path == "/_sandbox/ground_truth":
                try:
                    start = dt.date.fromisoformat(query.get("start", ""))
                    end = dt.date.fromisoformat(query.get("end", ""))
                except ValueError:
                    raise ApiError(400, "invalidValue", "start and end must be dates, YYYY-MM-DD") from None
                return self._json(200, ground_truth(self.world, start, end))
            if path == "/_sandbox/info":
                return self._json(200, self.info())
            raise ApiError(404, "notFound", "Not Found")
        except ApiError as exc:
            return self._error(exc)

    def info(self) -> dict:
        w = self.world
        return {
            "seed": w.seed,
            "now": w.now.isoformat().replace("+00:00", "Z"),
            "start": w.start.isoformat(),
            "accounts": {
                bid: {"id": channel_id(a), "handle": "@" + a.username} for bid, a in w.brand_accounts.items()
            },
        }


# -- request helpers ------------------------------------------------------------------------------------------


def _integer(q: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    value = q.get(name)
    if value is None or value == "":
        return default
    if not re.fullmatch(r"\d+", value) or not lo <= int(value) <= hi:
        raise ApiError(
            400, "invalidParameter", f"Invalid value '{value}'. Values must be within the range: [{lo}, {hi}]"
        )
    return int(value)


def _time(q: dict[str, str], name: str) -> int | None:
    """An RFC 3339 time parameter, as unix milliseconds."""
    value = q.get(name)
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        t = None
    if t is None or t.tzinfo is None:
        raise ApiError(
            400, "invalidValue", f"Invalid value at '{name}' ({value}): expected an RFC 3339 date-time"
        )
    return unix_ms(t)


def _cursor(token: str | None) -> int | None:
    """Search pages continue below the last video seen: the token carries its id."""
    if not token:
        return None
    n = _decode(token[1:], 0) if token.startswith("C") else None
    if n is None:
        raise ApiError(400, "invalidPageToken", "The request specifies an invalid page token.")
    return n


def _offset_page(items: list, token: str | None, limit: int) -> tuple[list, str | None]:
    """Comment lists page by position; the token is opaque to clients."""
    start = 0
    if token:
        raw = _unb64(token)
        text = raw.decode("ascii", "replace") if raw else ""
        if not re.fullmatch(r"offset:\d+", text):
            raise ApiError(400, "invalidPageToken", "The request specifies an invalid page token.")
        start = int(text.split(":")[1])
    end = start + limit
    return items[start:end], (_b64(f"offset:{end}".encode()) if end < len(items) else None)


def _title_and_description(st: Status) -> tuple[str, str]:
    """A video's title is its text's first line (cut at a word within YouTube's 100 characters), the
    description the rest; a cut title leaves the whole text to the description, so no phrase is split."""
    first, _, rest = st.text.partition("\n")
    if len(first) <= TITLE_CHARS:
        return first, rest.strip()
    return first[:TITLE_CHARS].rsplit(" ", 1)[0], st.text


def _thumbnails(prefix: str, sizes: tuple[int, int, int]) -> dict:
    names = ("default", "medium", "high")
    if sizes[0] == 120:  # video thumbnails are 4:3 or 16:9 at fixed sizes
        dims = ((120, 90), (320, 180), (480, 360))
        files = ("default.jpg", "mqdefault.jpg", "hqdefault.jpg")
        return {
            n: {"url": f"{prefix}/{f}", "width": w, "height": h}
            for n, f, (w, h) in zip(names, files, dims, strict=True)
        }
    return {
        n: {"url": f"{prefix}=s{s}-c-k-c0x00ffffff-no-rj", "width": s, "height": s}
        for n, s in zip(names, sizes, strict=True)
    }


API = YouTubeApi
