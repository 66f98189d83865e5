"""The simulated community rendered as Reddit's OAuth API (oauth.reddit.com), GET only plus the token request.

A brand's top-level statuses are submissions (t3) on its profile (subreddit u_<name>); members' statuses are
submissions in a few communities; replies are comments (t1). Shapes follow the recorded responses in
shared/recorded/reddit: Listings {"kind": "Listing", "data": {"after", "dist", "children", ...}} newest first
with after=<fullname>, /comments/<id> as [post listing, comment tree], "more" stubs where a tree is cut by
`limit` (children ids, for /api/morechildren) or by `depth` ("continue this thread": count 0, id "_"),
x-ratelimit-remaining (a float), -used and -reset (seconds left in the window), errors as
{"message": ..., "error": <status>}.

Ids are base36 like Reddit's, derived from the world's snowflakes: ((ms - 2005-06-01) * 256 + sequence).
Search covers submissions only, as Reddit's API does (no comment search): whole words or a quoted phrase,
'#' and 'u/' being punctuation to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from .ground_truth import ground_truth
from .ids import day_start_ms, snowflake
from .limits import Quota, RateLimit
from .mastodon_api import _BAD_GATEWAY, Response
from .people import Account
from .platform_api import PlatformApi
from .status import Status
from .texts import Mention, Tag
from .world import WORD

BASE_MS = day_start_ms(dt.date(2005, 6, 1))
SEQ = 256  # statuses sharing a millisecond: far fewer than this
DEFAULT_LIMIT, MAX_LIMIT = 25, 100
COMMENT_LIMIT_MAX, COMMENT_DEPTH_MAX = 500, 10
MORE_BUDGET = 20  # comments one /api/morechildren answer holds before it leaves stubs of its own
COMMUNITIES = ("Coffee", "espresso", "cafe", "bicycling", "whichbike", "BuyItForLife")
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if n == 0:
            return out


def thing_id(status: Status) -> str:
    seq = status.id & 0xFFFF
    if seq >= SEQ:
        raise ValueError(f"sequence {seq} does not fit a Reddit id")
    return base36(((status.id >> 16) - BASE_MS) * SEQ + seq)


def snowflake_of(reddit_id: str) -> int | None:
    try:
        n = int(reddit_id, 36)
    except ValueError:
        return None
    return snowflake(n // SEQ + BASE_MS, n % SEQ)


def user_id(account: Account) -> str:
    return base36((account.id >> 16) // 86_400_000 * 65_536 + (account.id & 0xFFFF))


def text_of(status: Status) -> str:
    """What Reddit shows: hashtags stay as typed, people are named u/<name>."""
    parts = []
    for seg in status.segments:
        if isinstance(seg, Tag):
            parts.append("#" + seg.name)
        elif isinstance(seg, Mention):
            parts.append("u/" + seg.account.username)
        else:
            parts.append(seg)
    return "".join(parts)


def listing(children: list[dict], after: str | None = None, dist: int | None = None) -> dict:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": dist,
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


class RedditApi(PlatformApi):
    default_rate_limit = RateLimit(limit=1000, period_seconds=600)

    def _setup(self) -> None:
        self._routes: list[tuple[re.Pattern[str], Callable[..., object]]] = [
            (re.compile(r"/user/([\w-]+)/about"), self._about),
            (re.compile(r"/user/([\w-]+)/submitted"), self._submitted),
            (re.compile(r"/comments/([0-9a-z]+)(?:/[^/]*(?:/([0-9a-z]+))?)?"), self._comments),
            (re.compile(r"/api/morechildren"), self._morechildren),
            (re.compile(r"/search"), self._search),
        ]

    # -- entry point --------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        path = unquote(parts.path).rstrip("/").removesuffix(".json") or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith("/_sandbox/"):
            return self._sandbox(method, path, query)
        number = self.next_request_number()
        quota = self.limiter.hit()
        fault = self.faults.fault_for(number)
        if fault in ("500", "502", "503"):
            return self._server_error(int(fault), quota)
        if fault == "429" or not quota.allowed:
            retry = self.faults.retry_after_seconds if fault == "429" else quota.retry_after
            return self._error(429, "Too Many Requests", quota, [("Retry-After", str(retry))], remaining=0)
        authorization = headers.get("Authorization") or ""
        if path == "/api/v1/access_token":
            return self._token(method, authorization, quota)
        scheme, _, token = authorization.partition(" ")
        if self.access_token is not None and (scheme.lower() != "bearer" or token != self.access_token):
            return self._error(401, "Unauthorized", quota, [("www-authenticate", 'Bearer realm="reddit"')])
        if method != "GET":
            return self._error(405, "Method Not Allowed", quota)
        try:
            payload = self._route(path, query)
        except ApiError as exc:
            return self._error(exc.status, exc.message, quota)
        response = self._json(200, payload, quota)
        response.truncate = fault == "truncated"
        return response

    def _route(self, path: str, query: dict[str, str]) -> object:
        for pattern, handler in self._routes:
            m = pattern.fullmatch(path)
            if m:
                return handler(query, *m.groups())
        raise ApiError(404, "Not Found")

    def _token(self, method: str, authorization: str, quota: Quota) -> Response:
        """POST /api/v1/access_token with the app's id and secret as HTTP Basic auth (any, in the sandbox)."""
        if method != "POST":
            return self._error(405, "Method Not Allowed", quota)
        if not authorization.lower().startswith("basic "):
            return self._error(401, "Unauthorized", quota)
        body = {
            "access_token": self.access_token or "sandbox-token",
            "token_type": "bearer",
            "expires_in": 86400,
            "scope": "*",
        }
        return self._json(200, body, quota)

    # -- endpoints ------------------------------------------------------------------------------------------

    def _account(self, name: str) -> Account:
        account = self.world.lookup(name)
        if account is None:
            raise ApiError(404, "Not Found")
        return account

    def _about(self, query: dict, name: str) -> dict:
        a = self._account(name)
        created = float(a.created_ms // 1000)
        karma = self.world.statuses_count(a) * 3
        return {
            "kind": "t2",
            "data": {
                "is_employee": False,
                "is_friend": False,
                "verified": True,
                "is_gold": False,
                "is_mod": False,
                "has_verified_email": True,
                "hide_from_robots": False,
                "id": user_id(a),
                "name": a.username,
                "created": created,
                "created_utc": created,
                "link_karma": karma,
                "comment_karma": karma // 2,
                "total_karma": karma + karma // 2,
                "awardee_karma": 0,
                "awarder_karma": 0,
                "icon_img": "https://www.redditstatic.com/avatars/defaults/v2/avatar_default_1.png",
                "accept_followers": True,
                "subreddit": {
                    "display_name": f"u_{a.username}",
                    "display_name_prefixed": f"u/{a.username}",
                    "name": f"t5_{user_id(a)}",
                    "title": a.display_name,
                    "public_description": a.note,
                    "subreddit_type": "user",
                    "subscribers": self.world.followers_count(a),
                    "url": f"/user/{a.username}/",
                    "over_18": False,
                    "user_is_subscriber": False,
                },
            },
        }

    def _page(self, query: dict, pick, keep) -> dict:
        """A Listing page newest first: `limit` things older than the `after` fullname."""
        limit = _limit(query, DEFAULT_LIMIT, MAX_LIMIT)
        after = query.get("after") or None
        max_id = snowflake_of(after.split("_", 1)[-1]) if after else None
        if after and max_id is None:
            raise ApiError(400, "Bad Request")
        found = self.world.page(pick, limit + 1, max_id=max_id, keep=keep)
        more = len(found) > limit
        found = found[:limit]
        nxt = f"t3_{thing_id(found[-1])}" if more else None
        return listing([self._t3(s) for s in found], nxt, len(found))

    def _submitted(self, query: dict, name: str) -> dict:
        account = self._account(name)
        return self._page(query, lambda d: d.by_account.get(account.id), lambda s: s.parent is None)

    def _search(self, query: dict) -> dict:
        q = (query.get("q") or "").strip()
        if not q:
            raise ApiError(400, "Bad Request")
        if query.get("type", "link") not in ("link", ""):
            return listing([], None, 0)  # communities and users: nothing the pipeline asks for
        words = WORD.findall(q.replace('"', " ").lower())
        if not words:
            return listing([], None, 0)
        phrase = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)

        def rarest(d) -> list[Status]:
            return min((d.by_word.get(w, []) for w in words), key=len)

        return self._page(query, rarest, lambda s: s.parent is None and bool(phrase.search(text_of(s))))

    def _post(self, reddit_id: str) -> Status:
        sid = snowflake_of(reddit_id)
        status = self.world.status(sid) if sid is not None else None
        if status is None or status.parent is not None:
            raise ApiError(404, "Not Found")
        self.world.descendants(status)  # assigns ids to the whole thread
        return status

    def _comments(self, query: dict, post_id: str, focus_id: str | None) -> list:
        post = self._post(post_id)
        limit = _limit(query, COMMENT_LIMIT_MAX, COMMENT_LIMIT_MAX)
        depth = _limit({"limit": query.get("depth")}, COMMENT_DEPTH_MAX, COMMENT_DEPTH_MAX)
        newest = query.get("sort") == "new"
        if focus_id is None:
            tree = self._tree(self.world.replies(post), f"t3_{post_id}", 0, depth, [limit], newest)
        else:  # a comment's permalink: that comment and its subtree, as "continue this thread" leads to
            sid = snowflake_of(focus_id)
            focus = self.world.status(sid) if sid is not None else None
            if focus is None or focus.root is not post:
                raise ApiError(404, "Not Found")
            tree = self._tree([focus], _fullname(focus.parent), 0, depth, [limit], newest)
        return [listing([self._t3(post)], None, 1), listing(tree, None, None)]

    def _morechildren(self, query: dict) -> dict:
        link = query.get("link_id") or ""
        ids = [c for c in (query.get("children") or "").split(",") if c]
        if not link.startswith("t3_") or not ids:
            return {"json": {"errors": [["BAD_REQUEST", "link_id and children are required", "children"]]}}
        post = self._post(link[3:])
        wanted = []
        for cid in ids[:100]:
            sid = snowflake_of(cid)
            st = self.world.status(sid) if sid is not None else None
            if st is not None and st.root is post:
                wanted.append(st)
        wanted.sort(key=lambda s: s.ms, reverse=query.get("sort") == "new")
        depth = _limit({"limit": query.get("depth")}, COMMENT_DEPTH_MAX, COMMENT_DEPTH_MAX)
        things: list[dict] = []
        for parent, group in itertools.groupby(wanted, key=lambda s: s.parent):
            level = _depth(parent) + 1 if parent is not post else 0
            tree = self._tree(list(group), _fullname(parent), level, level + depth, [MORE_BUDGET], False)
            things += _flatten(tree)
        return {"json": {"errors": [], "data": {"things": things}}}

    # -- rendering ------------------------------------------------------------------------------------------

    def _tree(
        self, siblings: list[Status], parent: str, depth: int, max_depth: int, budget: list[int], newest: bool
    ) -> list[dict]:
        """Comments in Reddit's nesting: `budget` comments in all, then "more" stubs for the rest."""
        siblings = sorted(siblings, key=lambda s: s.ms, reverse=newest)
        out = []
        for i, st in enumerate(siblings):
            if budget[0] <= 0:
                rest = siblings[i:]
                count = sum(1 + len(self.world.descendants(s)) for s in rest)
                out.append(_more(parent, depth, [thing_id(s) for s in rest], count))
                break
            budget[0] -= 1
            thing = self._t1(st, depth)
            replies = self.world.replies(st)
            if replies:
                if depth + 1 >= max_depth:
                    kids = [_more(_fullname(st), depth + 1, [], 0)]  # continue this thread
                else:
                    kids = self._tree(replies, _fullname(st), depth + 1, max_depth, budget, newest)
                thing["data"]["replies"] = listing(kids, None, None)
            out.append(thing)
        return out

    def _subreddit(self, status: Status) -> str:
        root = status.root or status
        if root.account.brand_id:
            return f"u_{root.account.username}"
        pick = int(hashlib.sha256(root.key.encode()).hexdigest()[:8], 16)
        return COMMUNITIES[pick % len(COMMUNITIES)]

    def _t3(self, st: Status) -> dict:
        likes, _ = self.world.engagement(st)
        sub = self._subreddit(st)
        rid = thing_id(st)
        title = text_of(st)
        permalink = f"/r/{sub}/comments/{rid}/{_slug(title)}/"
        created = float(st.ms // 1000)
        return {
            "kind": "t3",
            "data": {
                "approved_by": None,
                "archived": False,
                "author": st.account.username,
                "author_flair_css_class": None,
                "author_flair_text": None,
                "author_fullname": f"t2_{user_id(st.account)}",
                "banned_by": None,
                "clicked": False,
                "created": created,
                "created_utc": created,
                "distinguished": None,
                "domain": f"self.{sub}",
                "downs": 0,
                "edited": False,
                "gilded": 0,
                "hidden": False,
                "hide_score": False,
                "id": rid,
                "is_self": True,
                "likes": None,
                "link_flair_css_class": None,
                "link_flair_text": None,
                "locked": False,
                "media": None,
                "media_embed": {},
                "mod_reports": [],
                "name": f"t3_{rid}",
                "num_comments": len(self.world.descendants(st)),
                "num_reports": None,
                "over_18": False,
                "permalink": permalink,
                "pinned": False,
                "quarantine": False,
                "removal_reason": None,
                "report_reasons": None,
                "saved": False,
                "score": likes,
                "secure_media": None,
                "secure_media_embed": {},
                "selftext": "",
                "selftext_html": None,
                "stickied": False,
                "subreddit": sub,
                "subreddit_id": f"t5_{_community_id(sub)}",
                "subreddit_name_prefixed": f"u/{sub[2:]}" if sub.startswith("u_") else f"r/{sub}",
                "suggested_sort": None,
                "thumbnail": "self",
                "title": title,
                "ups": likes,
                "url": f"https://www.reddit.com{permalink}",
                "user_reports": [],
                "view_count": None,
                "visited": False,
            },
        }

    def _t1(self, st: Status, depth: int) -> dict:
        likes, _ = self.world.engagement(st)
        root = st.root
        assert root is not None
        sub, rid, link = self._subreddit(st), thing_id(st), thing_id(root)
        created = float(st.ms // 1000)
        body = text_of(st)
        return {
            "kind": "t1",
            "data": {
                "subreddit_id": f"t5_{_community_id(sub)}",
                "approved_at_utc": None,
                "author_is_blocked": False,
                "comment_type": None,
                "ups": likes,
                "likes": None,
                "replies": "",
                "user_reports": [],
                "saved": False,
                "id": rid,
                "archived": False,
                "no_follow": True,
                "author": st.account.username,
                "can_mod_post": False,
                "created_utc": created,
                "send_replies": True,
                "parent_id": _fullname(st.parent),
                "score": likes,
                "author_fullname": f"t2_{user_id(st.account)}",
                "body": body,
                "edited": False,
                "downs": 0,
                "is_submitter": st.account is root.account,
                "collapsed": False,
                "body_html": f'<div class="md"><p>{_html(body)}</p>\n</div>',
                "gilded": 0,
                "link_id": f"t3_{link}",
                "score_hidden": False,
                "permalink": f"/r/{sub}/comments/{link}/{_slug(text_of(root))}/{rid}/",
                "subreddit_type": "user" if sub.startswith("u_") else "public",
                "locked": False,
                "name": f"t1_{rid}",
                "created": created,
                "subreddit": sub,
                "subreddit_name_prefixed": f"u/{sub[2:]}" if sub.startswith("u_") else f"r/{sub}",
                "controversiality": 0,
                "depth": depth,
                "stickied": False,
                "distinguished": None,
            },
        }

    # -- responses ------------------------------------------------------------------------------------------

    def _json(
        self, status: int, payload: object, quota: Quota | None, extra=(), remaining: int | None = None
    ) -> Response:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=UTF-8"),
            ("cache-control", "private, s-maxage=0, max-age=0, must-revalidate, no-store"),
            *extra,
        ]
        if quota is not None:
            left = quota.remaining if remaining is None else remaining
            headers += [
                ("x-ratelimit-remaining", f"{float(left):.1f}"),
                ("x-ratelimit-used", str(quota.limit - quota.remaining)),
                ("x-ratelimit-reset", str(max(0, math.ceil(quota.reset_at - quota.now)))),
            ]
        return Response(status, body, headers)

    def _error(self, status: int, message: str, quota: Quota | None, extra=(), remaining=None) -> Response:
        return self._json(status, {"message": message, "error": status}, quota, extra, remaining)

    def _server_error(self, code: int, quota: Quota) -> Response:
        if code == 500:
            return self._error(500, "Internal Server Error", quota)
        reason = {502: "Bad Gateway", 503: "Service Temporarily Unavailable"}[code]
        resp = self._json(code, None, quota)
        resp.body = _BAD_GATEWAY.format(code=code, reason=reason).encode()
        resp.headers[0] = ("Content-Type", "text/html")
        return resp

    # -- outside the Reddit API -----------------------------------------------------------------------------

    def _sandbox(self, method: str, path: str, query: dict[str, str]) -> Response:
        if method != "GET":
            return self._error(405, "Method Not Allowed", None)
        if path == "/_sandbox/ground_truth":
            try:
                start = dt.date.fromisoformat(query.get("start", ""))
                end = dt.date.fromisoformat(query.get("end", ""))
            except ValueError:
                return self._error(422, "start and end must be dates, YYYY-MM-DD", None)
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
                        bid: {"id": f"t2_{user_id(a)}", "name": a.username}
                        for bid, a in w.brand_accounts.items()
                    },
                },
                None,
            )
        return self._error(404, "Not Found", None)


def _fullname(status: Status) -> str:
    return f"{'t1' if status.parent is not None else 't3'}_{thing_id(status)}"


def _depth(status: Status) -> int:
    """0 for a comment on the post itself."""
    depth, parent = 0, status.parent
    while parent is not None and parent.parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def _more(parent: str, depth: int, ids: list[str], count: int) -> dict:
    first = ids[0] if ids else "_"
    return {
        "kind": "more",
        "data": {
            "count": count,
            "name": f"t1_{first}",
            "id": first,
            "parent_id": parent,
            "depth": depth,
            "children": ids,
        },
    }


def _flatten(tree: list[dict]) -> list[dict]:
    """morechildren's flat list: each comment with replies "", followed by its replies."""
    out = []
    for thing in tree:
        replies = thing["data"].get("replies") if thing["kind"] == "t1" else None
        if replies:
            thing["data"]["replies"] = ""
        out.append(thing)
        if replies:
            out += _flatten(replies["data"]["children"])
    return out


def _limit(query: Mapping[str, str | None], default: int, maximum: int) -> int:
    raw = query.get("limit")
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        value = default  # Reddit ignores a limit it cannot read
    return max(1, min(maximum, value))


def _slug(title: str) -> str:
    return "_".join(WORD.findall(title.lower()))[:50].rstrip("_") or "_"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _community_id(name: str) -> str:
    return base36(int(hashlib.sha256(name.encode()).hexdigest()[:10], 16))


API = RedditApi
