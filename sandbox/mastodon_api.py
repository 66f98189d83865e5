"""Routing and responses of the simulated Mastodon API (GET only), independent of the HTTP server.

Behaves like Mastodon 4.x: newest first, Link headers for pagination, rate-limit headers on every response,
JSON errors {"error": "..."}. Outside the API, /_sandbox/ serves the ground truth and facts about the world.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from .ground_truth import ground_truth
from .limits import Quota
from .mastodon_json import account_json, instance_v1, instance_v2, status_json, tag_json
from .platform_api import PlatformApi
from .status import Status

DEFAULT_LIMIT, MAX_LIMIT = 20, 40
_FALSE = {"0", "f", "false", "off", "no"}  # Rails' false values; anything else present is true
_BAD_GATEWAY = (
    "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center>"
    "<hr><center>nginx</center></body></html>"
)


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    truncate: bool = False  # send half the body, then drop the connection


@dataclass
class Request:
    path: str
    query: dict[str, str]
    signed_in: bool

    def text(self, name: str) -> str | None:
        return self.query.get(name)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.query.get(name)
        if value is None or value == "":
            return default
        if not re.fullmatch(r"-?\d+", value.strip()):
            raise ApiError(422, f"Validation failed: {name} must be an integer, got {value!r}")
        return int(value)

    def limit(self) -> int:
        return max(1, min(MAX_LIMIT, abs(self.integer("limit", DEFAULT_LIMIT) or 0)))

    def flag(self, name: str) -> bool:
        value = self.query.get(name)
        return value is not None and value != "" and value.lower() not in _FALSE


class MastodonApi(PlatformApi):
    def _setup(self) -> None:
        self._routes: list[tuple[re.Pattern[str], Callable[..., tuple[object, list[tuple[str, str]]]]]] = [
            (re.compile(r"/api/v1/instance/?"), self._instance_v1),
            (re.compile(r"/api/v2/instance/?"), self._instance_v2),
            (re.compile(r"/api/v1/accounts/lookup"), self._lookup),
            (re.compile(r"/api/v1/accounts/(\d+)"), self._account),
            (re.compile(r"/api/v1/accounts/(\d+)/statuses"), self._account_statuses),
            (re.compile(r"/api/v1/statuses/(\d+)"), self._status),
            (re.compile(r"/api/v1/statuses/(\d+)/context"), self._context),
            (re.compile(r"/api/v1/timelines/tag/([^/]+)"), self._tag_timeline),
            (re.compile(r"/api/v2/search"), self._search),
        ]

    # -- entry point --------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        path = parts.path
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
            return self._json(
                429, {"error": "Too many requests"}, quota, [("Retry-After", str(retry))], remaining=0
            )
        authorization = headers.get("Authorization") or ""
        if self.access_token is not None and authorization != f"Bearer {self.access_token}":
            return self._json(401, {"error": "The access token is invalid"}, quota)
        if method != "GET":
            return self._json(405, {"error": "Method not allowed: the sandbox API is read-only"}, quota)
        request = Request(path, query, signed_in=bool(authorization))
        try:
            payload, extra = self._route(request)
            response = self._json(200, payload, quota, extra)
        except ApiError as exc:
            response = self._json(exc.status, {"error": exc.message}, quota)
        response.truncate = fault == "truncated"
        return response

    def _route(self, request: Request) -> tuple[object, list[tuple[str, str]]]:
        for pattern, handler in self._routes:
            m = pattern.fullmatch(request.path)
            if m:
                return handler(request, *m.groups())
        raise ApiError(404, "Not Found")

    # -- endpoints ------------------------------------------------------------------------------------------

    def _instance_v1(self, request: Request) -> tuple[object, list]:
        return instance_v1(self.world, self.base), []

    def _instance_v2(self, request: Request) -> tuple[object, list]:
        return instance_v2(self.world, self.base), []

    def _lookup(self, request: Request) -> tuple[object, list]:
        account = self.world.lookup(request.text("acct") or "")
        if account is None:
            raise ApiError(404, "Record not found")
        return account_json(self.world, account, self.base), []

    def _find_account(self, account_id: str):
        account = self.world.account(int(account_id))
        if account is None:
            raise ApiError(404, "Record not found")
        return account

    def _account(self, request: Request, account_id: str) -> tuple[object, list]:
        return account_json(self.world, self._find_account(account_id), self.base), []

    def _account_statuses(self, request: Request, account_id: str) -> tuple[object, list]:
        account = self._find_account(account_id)
        limit = request.limit()
        page = self.world.account_statuses(
            account,
            limit,
            request.integer("max_id"),
            request.integer("since_id"),
            request.integer("min_id"),
            exclude_replies=request.flag("exclude_replies"),
        )
        keep = {
            k: request.query[k]
            for k in ("exclude_reblogs", "exclude_replies", "limit", "only_media")
            if k in request.query
        }
        # Like Mastodon's account timeline, 'next' only when the page came back full.
        link = self._link(f"/api/v1/accounts/{account_id}/statuses", keep, page, more=len(page) == limit)
        return self._statuses(page, request), link

    def _status(self, request: Request, status_id: str) -> tuple[object, list]:
        return status_json(self.world, self._find_status(status_id), self.base, request.signed_in), []

    def _find_status(self, status_id: str) -> Status:
        status = self.world.status(int(status_id))
        if status is None:
            raise ApiError(404, "Record not found")
        return status

    def _context(self, request: Request, status_id: str) -> tuple[object, list]:
        status = self._find_status(status_id)
        return {
            "ancestors": self._statuses(self.world.ancestors(status), request),
            "descendants": self._statuses(self.world.descendants(status), request),
        }, []

    def _tag_timeline(self, request: Request, raw_tag: str) -> tuple[object, list]:
        tag = unquote(raw_tag)
        page = self.world.tag_timeline(
            tag,
            request.limit(),
            request.integer("max_id"),
            request.integer("since_id"),
            request.integer("min_id"),
        )
        keep = {k: request.query[k] for k in ("limit", "local", "only_media") if k in request.query}
        link = self._link(f"/api/v1/timelines/tag/{quote(tag)}", keep, page, more=True)
        return self._statuses(page, request), link

    def _search(self, request: Request) -> tuple[object, list]:
        q = (request.text("q") or "").strip()
        if not q:
            raise ApiError(400, "param is missing or the value is empty: q")
        kind = request.text("type")
        limit = request.limit()
        offset = max(0, request.integer("offset", 0) or 0)
        result: dict[str, list] = {"accounts": [], "statuses": [], "hashtags": []}
        if kind in (None, "", "statuses"):
            found = self.world.search_statuses(
                q, limit, offset, request.integer("max_id"), request.integer("min_id")
            )
            result["statuses"] = self._statuses(found, request)
        if kind in (None, "", "accounts"):
            needle = q.lstrip("@").lower()
            accounts = [
                a
                for a in (*self.world.brand_accounts.values(), *self.world.members)
                if a.acct.lower().startswith(needle)
            ]
            result["accounts"] = [
                account_json(self.world, a, self.base) for a in accounts[offset : offset + limit]
            ]
        if kind in (None, "", "hashtags"):
            needle = q.lstrip("#").lower()
            tags = sorted(
                {t.lower() for b in self.world.config.brands.values() for t in b.hashtags}
                | {t.lower() for c in self.world.config.campaigns for t in c.hashtags}
            )
            result["hashtags"] = [tag_json(t, self.base) for t in tags if t.startswith(needle)][
                offset : offset + limit
            ]
        return result, []

    # -- helpers ------------------------------------------------------------------------------------------

    def _statuses(self, statuses: list[Status], request: Request) -> list[dict]:
        return [status_json(self.world, s, self.base, request.signed_in) for s in statuses]

    def _link(
        self, path: str, params: dict[str, str], page: list[Status], more: bool
    ) -> list[tuple[str, str]]:
        if not page:
            return []

        def url(extra: dict[str, str]) -> str:
            # Rails sorts query parameters by name.
            return f"{self.base}{path}?{urlencode(sorted({**params, **extra}.items()))}"

        links = []
        if more:
            links.append(f'<{url({"max_id": str(page[-1].id)})}>; rel="next"')
        links.append(f'<{url({"min_id": str(page[0].id)})}>; rel="prev"')
        return [("Link", ", ".join(links))]

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
            ("Cache-Control", "private, no-store"),
            ("Vary", "Authorization, Origin"),
            ("ETag", f'W/"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'),
            ("X-Request-Id", str(uuid.uuid4())),
            *extra,
        ]
        if quota is not None:
            rate = quota.headers()
            if remaining is not None:
                rate[1] = ("X-RateLimit-Remaining", str(remaining))
            headers += rate
        return Response(status, body, headers)

    def _server_error(self, code: int, quota: Quota) -> Response:
        if code == 500:
            return self._json(500, {"error": "Internal server error"}, quota)
        reason = {502: "Bad Gateway", 503: "Service Temporarily Unavailable"}[code]
        body = _BAD_GATEWAY.format(code=code, reason=reason).encode()
        return Response(code, body, [("Content-Type", "text/html"), *quota.headers()])

    # -- outside the Mastodon API ---------------------------------------------------------------------------

    def _sandbox(self, method: str, path: str, query: dict[str, str]) -> Response:
        try:
            if method != "GET":
                raise ApiError(405, "Method not allowed")
            if path == "/_sandbox/ground_truth":
                try:
                    start = dt.date.fromisoformat(query.get("start", ""))
                    end = dt.date.fromisoformat(query.get("end", ""))
                except ValueError:
                    raise ApiError(422, "start and end must be dates, YYYY-MM-DD") from None
                return self._json(200, ground_truth(self.world, start, end), None)
            if path == "/_sandbox/info":
                return self._json(200, self.info(), None)
            raise ApiError(404, "Not Found")
        except ApiError as exc:
            return self._json(exc.status, {"error": exc.message}, None)

    def info(self) -> dict:
        w = self.world
        return {
            "seed": w.seed,
            "now": w.now.isoformat().replace("+00:00", "Z"),
            "start": w.start.isoformat(),
            "accounts": {bid: {"id": str(a.id), "acct": a.acct} for bid, a in w.brand_accounts.items()},
        }


API = MastodonApi
