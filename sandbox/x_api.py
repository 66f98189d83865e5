"""The simulated X API v2 (GET only) for the endpoints the pipeline reads, independent of the HTTP server.

Behaves like api.twitter.com/2: tweets carry only id, text and edit_history_tweet_ids unless tweet.fields asks
for more; expansions=author_id adds includes.users; pages are newest first and chained by meta.next_token;
recent search refuses a start_time older than 7 days or an end_time less than 10 s before the request, with
X's problem JSON; an unknown user is HTTP 200 with an "errors" list; x-rate-limit-* headers (the reset in
epoch seconds) on every response. Ids are X snowflakes: the World's millisecond since X's epoch above bit 22.

What the sandbox leaves out, as the world has none of it: retweets, quotes, media, edits, previous_token.
X prefixes a reply's text with the @usernames it answers; the world's replies carry no such prefix, so a
reply names a brand only when its text does (on the real API a reply to a brand also reads as an @mention).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from .ground_truth import ground_truth
from .ids import day_of_ms, from_ms, unix_ms
from .limits import Quota
from .mastodon_api import Response
from .people import Account
from .platform_api import PlatformApi
from .status import Status
from .texts import Mention, Tag
from .world import World

TWEPOCH_MS = 1288834974657  # X's snowflake epoch, 2010-11-04T01:42:54.657Z
SEARCH_REACH = dt.timedelta(days=7)
END_TIME_MARGIN = dt.timedelta(seconds=10)
TWEET_FIELDS = frozenset((
    "attachments", "author_id", "card_uri", "community_id", "context_annotations", "conversation_id",
    "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
    "in_reply_to_user_id", "lang", "media_metadata", "note_tweet", "possibly_sensitive", "public_metrics",
    "referenced_tweets", "reply_settings", "scopes", "source", "text", "withheld",
))  # fmt: skip
USER_FIELDS = frozenset((
    "affiliation", "connection_status", "created_at", "description", "entities", "id", "location",
    "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url", "profile_image_url",
    "protected", "public_metrics", "receives_your_dm", "subscription_type", "url", "username", "verified",
    "verified_type", "withheld",
))  # fmt: skip
EXPANSIONS = frozenset(
    {"author_id", "in_reply_to_user_id", "referenced_tweets.id", "entities.mentions.username"}
)
PROBLEM = "https://api.twitter.com/2/problems/"
_TOKEN = re.compile(r"\(|\)|-?\"[^\"]*\"|[^\s()]+")


def x_id(world_id: int) -> int:
    """A World snowflake ((unix ms << 16) | seq) as an X snowflake (((ms - X epoch) << 22) | seq)."""
    return (((world_id >> 16) - TWEPOCH_MS) << 22) | (world_id & 0xFFFF)


def world_id(xid: int) -> int | None:
    seq = xid & ((1 << 22) - 1)
    if seq >= 1 << 16:
        return None
    return (((xid >> 22) + TWEPOCH_MS) << 16) | seq


def x_time(ms: int) -> str:
    """X's created_at: whole seconds, written with .000Z."""
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class XError(Exception):
    def __init__(self, status: int, payload: dict):
        super().__init__(payload.get("detail"))
        self.status, self.payload = status, payload


def invalid(parameter: str, value: str, message: str) -> XError:
    return XError(
        400,
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{PROBLEM}invalid-request",
        },
    )


def problem(status: int, title: str) -> dict:
    return {"title": title, "detail": title, "type": "about:blank", "status": status}


class XApi(PlatformApi):
    def _setup(self) -> None:
        self._by_username = {
            a.username.lower(): a for a in (*self.world.brand_accounts.values(), *self.world.members)
        }
        self._routes: list[tuple[re.Pattern[str], Callable[..., dict]]] = [
            (re.compile(r"/2/users/by/username/(\w{1,15})"), self._user_by_username),
            (re.compile(r"/2/users/(\d+)/tweets"), self._user_tweets),
            (re.compile(r"/2/tweets/search/recent"), self._search_recent),
        ]

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.server_time(), dt.UTC)

    # -- entry point --------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path.startswith("/_sandbox/"):
            return self._sandbox(method, parts.path, query)
        number = self.next_request_number()
        quota = self.limiter.hit()
        fault = self.faults.fault_for(number)
        if fault in ("500", "502", "503"):
            titles = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
            return self._json(int(fault), problem(int(fault), titles[fault]), quota)
        if fault == "429" or not quota.allowed:
            # X sends no Retry-After: a client waits for x-rate-limit-reset.
            reset = self._clock() + self.faults.retry_after_seconds if fault == "429" else quota.reset_at
            return self._json(429, problem(429, "Too Many Requests"), quota, remaining=0, reset=reset)
        authorization = headers.get("Authorization") or ""
        if self.access_token is not None and authorization != f"Bearer {self.access_token}":
            return self._json(401, problem(401, "Unauthorized"), quota)
        if method != "GET":
            return self._json(405, problem(405, "Method Not Allowed"), quota)
        try:
            for pattern, handler in self._routes:
                m = pattern.fullmatch(parts.path)
                if m:
                    response = self._json(200, handler(query, *m.groups()), quota)
                    break
            else:
                response = self._json(
                    404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, quota
                )
        except XError as exc:
            response = self._json(exc.status, exc.payload, quota)
        response.truncate = fault == "truncated"
        return response

    # -- rendering ----------------------------------------------------------------------------------------

    def _fields(self, query: dict, name: str, known: frozenset[str]) -> set[str]:
        raw = query.get(name)
        if raw is None:
            return set()
        wanted = {f for f in raw.split(",") if f}
        unknown = sorted(wanted - known)
        if unknown or not wanted:
            raise invalid(
                name,
                ",".join(unknown) or raw,
                f"The `{name}` query parameter value [{(unknown or [raw])[0]}] is not one of "
                f"[{', '.join(sorted(known))}]",
            )
        return wanted

    def user_json(self, account: Account, fields: set[str]) -> dict:
        out = {"id": str(x_id(account.id)), "name": account.display_name, "username": account.username}
        if "public_metrics" in fields:
            followers = self.world.followers_count(account)
            out["public_metrics"] = {
                "followers_count": followers,
                "following_count": account.following,
                "tweet_count": self.world.statuses_count(account),
                "listed_count": followers // 50,
            }
        if "created_at" in fields:
            out["created_at"] = x_time(account.created_ms)
        if "description" in fields:
            out["description"] = account.note
        if "protected" in fields:
            out["protected"] = False
        return out

    def tweet_json(self, st: Status, fields: set[str]) -> dict:
        tid = str(x_id(st.id))
        out: dict[str, object] = {"edit_history_tweet_ids": [tid], "id": tid, "text": st.text}
        parent = st.parent
        if "author_id" in fields:
            out["author_id"] = str(x_id(st.account.id))
        if "created_at" in fields:
            out["created_at"] = x_time(st.ms)
        if "conversation_id" in fields:
            out["conversation_id"] = str(x_id((st.root or st).id))
        if "in_reply_to_user_id" in fields and parent is not None:
            out["in_reply_to_user_id"] = str(x_id(parent.account.id))
        if "referenced_tweets" in fields and parent is not None:
            out["referenced_tweets"] = [{"type": "replied_to", "id": str(x_id(parent.id))}]
        if "lang" in fields:
            out["lang"] = st.lang
        if "entities" in fields:
            entities = _entities(st)
            if entities:
                out["entities"] = entities
        if "public_metrics" in fields:
            likes, retweets = self.world.engagement(st)
            replies = len(self.world.replies(st))
            out["public_metrics"] = {
                "retweet_count": retweets,
                "reply_count": replies,
                "like_count": likes,
                "quote_count": 0,
                "bookmark_count": likes // 9,
                "impression_count": 40 * likes + 90 * retweets + 25 * replies + st.id % 97,
            }
        if "possibly_sensitive" in fields:
            out["possibly_sensitive"] = False
        if "reply_settings" in fields:
            out["reply_settings"] = "everyone"
        return dict(sorted(out.items()))

    def _page(self, query: dict, found: list[Status], has_more: bool, always_token: bool) -> dict:
        tweet_fields = self._fields(query, "tweet.fields", TWEET_FIELDS)
        user_fields = self._fields(query, "user.fields", USER_FIELDS)
        expansions = self._fields(query, "expansions", EXPANSIONS)
        if not found:
            return {"meta": {"result_count": 0}}
        body: dict[str, object] = {"data": [self.tweet_json(s, tweet_fields) for s in found]}
        if "author_id" in expansions:
            authors = {s.account.id: s.account for s in found}
            body["includes"] = {"users": [self.user_json(a, user_fields) for a in authors.values()]}
        meta: dict[str, object] = {
            "newest_id": str(x_id(found[0].id)),
            "oldest_id": str(x_id(found[-1].id)),
            "result_count": len(found),
        }
        # The user timeline hands out a next_token even on a short last page (as recorded: 2 tweets with
        # one); the walk then ends on an empty page. Search gives one only when more results exist.
        if has_more or always_token:
            meta["next_token"] = _token(found[-1].id)
        body["meta"] = meta
        return body

    # -- endpoints ------------------------------------------------------------------------------------------

    def _user_by_username(self, query: dict, username: str) -> dict:
        fields = self._fields(query, "user.fields", USER_FIELDS)
        account = self._by_username.get(username.lower())
        if account is None:
            return {"errors": [_not_found("user", "username", username, f"username: [{username}]")]}
        return {"data": self.user_json(account, fields)}

    def _user_tweets(self, query: dict, user_id: str) -> dict:
        wid = world_id(int(user_id))
        account = self.world.account(wid) if wid is not None else None
        if account is None:
            return {"errors": [_not_found("user", "id", user_id, f"id: [{user_id}]")]}
        size = _max_results(query, 5, 100)
        excluded = set((query.get("exclude") or "").split(",")) - {""}
        if excluded - {"replies", "retweets"}:
            raise invalid("exclude", query["exclude"], "exclude may only hold replies and retweets")
        start = _time_param(query, "start_time") or from_ms(day_start_of(self.world))
        end = _time_param(query, "end_time") or self._now()
        below = _cursor(query, "pagination_token")

        def keep(st: Status) -> bool:
            return not ("replies" in excluded and st.parent is not None)

        found = self._between(lambda d: d.by_account.get(account.id), start, end, below, keep, size + 1)
        return self._page(query, found[:size], len(found) > size, always_token=True)

    def _search_recent(self, query: dict) -> dict:
        q = query.get("query") or ""
        if not q.strip():
            raise invalid("query", q, "The `query` query parameter can not be empty")
        if len(q) > 512:
            raise invalid("query", q, "The `query` query parameter must be at most 512 characters")
        size = _max_results(query, 10, 100)
        now = self._now()
        start = _time_param(query, "start_time") or now - SEARCH_REACH
        end = _time_param(query, "end_time") or now - dt.timedelta(seconds=30)
        if start < now - SEARCH_REACH:
            value = query["start_time"]
            raise invalid(
                "start_time",
                value,
                f"Invalid 'start_time':'{value}'. 'start_time' must be on or after "
                f"{(now - SEARCH_REACH).strftime('%Y-%m-%dT%H:%MZ')}",
            )
        if end > now - END_TIME_MARGIN:
            value = query["end_time"]
            raise invalid(
                "end_time",
                value,
                f"Invalid 'end_time':'{value}'. 'end_time' must be a minimum of 10 seconds prior to the request "
                "time.",
            )
        if start >= end:
            raise invalid("start_time", query.get("start_time", ""), "'start_time' must be before 'end_time'")
        matches = self._compile(q)
        below = _cursor(query, "next_token") or _cursor(query, "pagination_token")
        conversation = re.fullmatch(r"\s*conversation_id:(\d+)\s*", q)
        if conversation:  # the whole thread, straight from the world rather than a scan of every day
            wid = world_id(int(conversation.group(1)))
            root = self.world.status(wid) if wid is not None else None
            thread = [root, *self.world.descendants(root)] if root is not None and root.root is None else []
            lo, hi = unix_ms(start), unix_ms(end)
            found = sorted(
                (s for s in thread if lo <= s.ms < hi and (below is None or s.id < below)),
                key=lambda s: s.id,
                reverse=True,
            )[: size + 1]
        else:
            found = self._between(lambda d: d.statuses, start, end, below, matches, size + 1)
        return self._page(query, found[:size], len(found) > size, always_token=False)

    def _between(self, pick, start: dt.datetime, end: dt.datetime, below: int | None, keep, limit: int):
        """Up to `limit` statuses created in [start, end), ids below `below`, newest first."""
        lo, hi = unix_ms(start), min(unix_ms(end), self.world.now_ms + 1)
        out: list[Status] = []
        day = day_of_ms(max(hi - 1, lo))
        first = max(day_of_ms(lo), self.world.start)
        while day >= first and len(out) < limit:
            for st in reversed(pick(self.world.day(day)) or []):
                if lo <= st.ms < hi and (below is None or st.id < below) and keep(st):
                    out.append(st)
                    if len(out) == limit:
                        break
            day -= dt.timedelta(days=1)
        return out

    # -- the search query language (the operators the pipeline uses) ------------------------------------------

    def _compile(self, q: str) -> Callable[[Status], bool]:
        tokens = _TOKEN.findall(q)
        pos = 0

        def peek() -> str | None:
            return tokens[pos] if pos < len(tokens) else None

        def disjunction() -> Callable[[Status], bool]:
            nonlocal pos
            options = [conjunction()]
            while peek() == "OR":
                pos += 1
                options.append(conjunction())
            return options[0] if len(options) == 1 else lambda s: any(o(s) for o in options)

        def conjunction() -> Callable[[Status], bool]:
            nonlocal pos
            parts = []
            while peek() not in (None, ")", "OR"):
                tok = tokens[pos]
                pos += 1
                if tok == "(":
                    parts.append(disjunction())
                    if peek() != ")":
                        raise invalid("query", q, "There were errors processing your request: missing ')'")
                    pos += 1
                elif tok.startswith("-") and len(tok) > 1:
                    inner = self._operand(tok[1:], q)
                    parts.append(lambda s, inner=inner: not inner(s))
                else:
                    parts.append(self._operand(tok, q))
            if not parts:
                raise invalid("query", q, "There were errors processing your request: empty clause")
            return parts[0] if len(parts) == 1 else lambda s: all(p(s) for p in parts)

        matcher = disjunction()
        if pos != len(tokens):
            raise invalid("query", q, "There were errors processing your request: unbalanced ')'")
        return matcher

    def _operand(self, tok: str, q: str) -> Callable[[Status], bool]:
        if tok.startswith('"'):
            return _phrase(tok.strip('"'))
        if tok.startswith("#"):
            tag = tok[1:].lower()
            return lambda s: tag in s.tags
        if tok.startswith("@"):
            name = tok[1:].lower()
            return lambda s: any(a.username.lower() == name for a in s.mentions)
        op, sep, value = tok.partition(":")
        if not sep:
            return _phrase(tok)
        if op == "from":
            return lambda s: s.account.username.lower() == value.lower()
        if op == "is" and value == "retweet":
            return lambda s: False  # the world has no retweets
        if op == "is" and value == "reply":
            return lambda s: s.parent is not None
        if op == "conversation_id" and value.isdigit():
            wid = world_id(int(value))
            return lambda s: wid is not None and (s.root or s).id == wid
        raise invalid(
            "query", q, f"There were errors processing your request: Reference to invalid operator '{op}'"
        )

    # -- the HTTP side ------------------------------------------------------------------------------------

    def _json(
        self,
        status: int,
        payload: object,
        quota: Quota | None,
        remaining: int | None = None,
        reset: float | None = None,
    ) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        kind = "application/json" if status == 200 else "application/problem+json"
        headers = [
            ("content-type", f"{kind}; charset=utf-8"),
            ("cache-control", "no-cache, no-store, max-age=0"),
            ("x-transaction-id", uuid.uuid4().hex[:16]),
        ]
        if quota is not None:
            headers += [
                ("x-rate-limit-limit", str(quota.limit)),
                ("x-rate-limit-remaining", str(quota.remaining if remaining is None else remaining)),
                ("x-rate-limit-reset", str(int(quota.reset_at if reset is None else reset))),
            ]
        return Response(status, body, headers)

    def _sandbox(self, method: str, path: str, query: dict[str, str]) -> Response:
        if method != "GET":
            return self._json(405, problem(405, "Method Not Allowed"), None)
        if path == "/_sandbox/ground_truth":
            try:
                start = dt.date.fromisoformat(query.get("start", ""))
                end = dt.date.fromisoformat(query.get("end", ""))
            except ValueError:
                return self._json(422, problem(422, "start and end must be dates, YYYY-MM-DD"), None)
            return self._json(200, ground_truth(self.world, start, end), None)
        if path == "/_sandbox/info":
            return self._json(200, self.info(), None)
        return self._json(404, problem(404, "Not Found"), None)

    def info(self) -> dict:
        w = self.world
        return {
            "seed": w.seed,
            "now": w.now.isoformat().replace("+00:00", "Z"),
            "start": w.start.isoformat(),
            "accounts": {
                b: {"id": str(x_id(a.id)), "username": a.username} for b, a in w.brand_accounts.items()
            },
        }


def day_start_of(world: World) -> int:
    return unix_ms(dt.datetime.combine(world.start, dt.time(), dt.UTC))


def _entities(st: Status) -> dict:
    """hashtags and mentions with their [start, end) offsets in the text, as X reports them."""
    hashtags, mentions, pos = [], [], 0
    for seg in st.segments:
        if isinstance(seg, Tag):
            hashtags.append({"start": pos, "end": pos + 1 + len(seg.name), "tag": seg.name})
            pos += 1 + len(seg.name)
        elif isinstance(seg, Mention):
            end = pos + 1 + len(seg.account.username)
            mentions.append(
                {"start": pos, "end": end, "username": seg.account.username, "id": str(x_id(seg.account.id))}
            )
            pos = end
        else:
            pos += len(seg)
    out = {}
    if hashtags:
        out["hashtags"] = hashtags
    if mentions:
        out["mentions"] = mentions
    return out


def _phrase(words: str) -> Callable[[Status], bool]:
    rx = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.IGNORECASE)
    return lambda s: bool(rx.search(s.text))


def _not_found(resource: str, parameter: str, value: str, what: str) -> dict:
    return {
        "value": value,
        "detail": f"Could not find {resource} with {what}.",
        "title": "Not Found Error",
        "resource_type": resource,
        "parameter": parameter,
        "resource_id": value,
        "type": f"{PROBLEM}resource-not-found",
    }


def _max_results(query: dict, low: int, high: int) -> int:
    raw = query.get("max_results")
    if raw is None:
        return 10
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(
            "max_results",
            raw,
            f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
        )
    return int(raw)


def _time_param(query: dict, name: str) -> dt.datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        t = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        t = None
    if t is None or t.tzinfo is None:
        raise invalid(name, raw, f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 date-time")
    return t.astimezone(dt.UTC)


_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _token(world_status_id: int) -> str:
    """An opaque next_token in X's style (lower-case base 36): where the next page starts."""
    n, out = x_id(world_status_id), ""
    while n:
        n, r = divmod(n, 36)
        out = _ALPHABET[r] + out
    return "7140dibdnow9c" + out


def _cursor(query: dict, name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not (raw.startswith("7140dibdnow9c") and len(raw) > 13 and all(c in _ALPHABET for c in raw[13:])):
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not valid")
    wid = world_id(int(raw[13:], 36))
    if wid is None:
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not valid")
    return wid


API = XApi
