"""The one HTTP core every platform connector uses.

A pooled `requests` session with timeouts; retries with exponential backoff and jitter on 429, 5xx and
connection errors, honouring Retry-After; each platform's rate-limit headers read so the client slows down
before it is refused; 4xx failures raised at once with the platform, the endpoint and the cause. Tokens never
leave this module in clear: URLs are redacted before they are logged, raised or landed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import requests
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"access_token", "token", "key", "api_key", "client_secret", "password", "sig"})
# Headers worth keeping in the landing zone: pagination, rate limits and the server's clock.
KEPT_HEADERS = (
    "link",
    "date",
    "content-type",
    "retry-after",
    "x-app-usage",
    "x-page-usage",
    "x-business-use-case-usage",
)
_RATE_HEADER = re.compile(r"^(x-)?rate-?limit", re.IGNORECASE)


class ApiError(RuntimeError):
    """A request the platform refused; the message names platform, endpoint and cause."""

    def __init__(self, platform: str, endpoint: str, status: int | None, cause: str):
        super().__init__(f"{platform}: {endpoint}: {f'HTTP {status}: ' if status else ''}{cause}")
        self.platform, self.endpoint, self.status, self.cause = platform, endpoint, status, cause


def redact_url(url: str) -> str:
    """The URL with the values of secret-looking query parameters replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:@,")))


_SECRET_IN_TEXT = re.compile(rf"((?:{'|'.join(sorted(SECRET_PARAMS))})=)[^&\s\"'>]+", re.IGNORECASE)


class _RedactSecrets(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string included: hide secret parameters there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                _SECRET_IN_TEXT.sub(r"\1REDACTED", a) if isinstance(a, str) else a for a in args
            )
        record.msg = _SECRET_IN_TEXT.sub(r"\1REDACTED", str(record.msg))
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactSecrets())


@dataclass(frozen=True)
class RateLimit:
    """What the platform said of our budget: requests left and when the window resets."""

    remaining: int | None
    limit: int | None
    reset_at: float | None  # epoch seconds


def parse_rate_limit(headers: Mapping[str, str], style: str, now: float) -> RateLimit:
    """Read each platform's dialect of rate-limit headers.

    style: "iso" (Mastodon: X-RateLimit-Reset is an ISO time), "epoch" (X, Bluesky: epoch seconds),
    "seconds" (Reddit: x-ratelimit-reset is seconds from now; remaining may be a float), "usage"
    (Facebook: percentages of the budget used, as JSON). YouTube sends none: its quota fails with 403.
    """
    h = {k.lower(): v for k, v in headers.items()}

    def first(*names: str) -> str | None:
        return next((h[n] for n in names if n in h), None)

    if style == "usage":
        return _usage_rate_limit(first("x-business-use-case-usage", "x-app-usage", "x-page-usage"), now)
    remaining = _number(first("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining"))
    limit = _number(first("x-ratelimit-limit", "x-rate-limit-limit", "ratelimit-limit"))
    reset_raw = first("x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset")
    reset_at = None
    if reset_raw:
        if style == "iso":
            try:
                reset_at = dt.datetime.fromisoformat(reset_raw.replace("Z", "+00:00")).timestamp()
            except ValueError:
                reset_at = None
        elif style == "seconds":
            secs = _number(reset_raw)
            reset_at = now + secs if secs is not None else None
        else:
            secs = _number(reset_raw)
            reset_at = float(secs) if secs is not None else None
    return RateLimit(
        remaining=int(remaining) if remaining is not None else None,
        limit=int(limit) if limit is not None else None,
        reset_at=reset_at,
    )


def loads(text: str | bytes):
    """json.loads, through orjson where it can (several times faster on API pages: decoding was the largest
    cost of ingest after compression). orjson refuses a few things the standard library reads (NaN, integers
    beyond 64 bits, lone surrogates): those documents go to json.loads, so what parses, and how, is unchanged."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _usage_rate_limit(value: str | None, now: float) -> RateLimit:
    """Facebook Graph: JSON of percentages used (call_count, total_time, total_cputime); the business
    use-case variant nests them per id and adds estimated_time_to_regain_access in minutes."""
    if not value:
        return RateLimit(None, None, None)
    try:
        doc = json.loads(value)
    except ValueError:
        return RateLimit(None, None, None)
    entries = (
        [e for v in doc.values() for e in v] if all(isinstance(v, list) for v in doc.values()) else [doc]
    )
    used = max(
        (max(e.get(k, 0) or 0 for k in ("call_count", "total_time", "total_cputime")) for e in entries),
        default=0,
    )
    regain = max((e.get("estimated_time_to_regain_access", 0) or 0 for e in entries), default=0)
    return RateLimit(
        remaining=max(0, 100 - int(used)), limit=100, reset_at=now + (regain * 60 if regain else 3600)
    )


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class Response:
    """One page as received: the body's exact text and what is needed to re-read it later."""

    url: str  # redacted
    status: int
    headers: dict[str, str]
    text: str
    fetched_at: str  # ISO UTC
    links: dict[str, str] = field(default_factory=dict)  # rel -> URL, from the Link header
    # What was asked, so a pagination strategy can ask for the next page; in memory only, never landed.
    request_path: str = ""
    request_params: dict = field(default_factory=dict, repr=False)

    def json(self):
        return loads(self.text)


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0
    # Below this share of the window's budget left, spread the remaining calls until the reset.
    slow_down_below: float = 0.1


class HttpCore:
    """A platform's HTTP client. One instance per platform and run; thread-safe enough for one thread."""

    def __init__(
        self,
        platform: str,
        base_url: str,
        *,
        token: str | None = None,
        rate_limit_style: str = "epoch",
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        pool_size: int = 8,
        user_agent: str = "social-pipeline/0.1",
        default_params: Mapping[str, str] | None = None,
    ):
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.rate_limit_style = rate_limit_style
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep, self._clock = sleep, clock
        self._token = token
        # Sent with every request (Graph API's access_token, YouTube's key): redacted wherever a URL is kept.
        self._default_params = dict(default_params or {})
        self._rate = RateLimit(None, None, None)
        self.requests_made = 0
        self.retries_made = 0
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent
        # With trust_env, requests scans the whole environment for proxy variables (and reads ~/.netrc) on
        # every request: 6% of ingest's time. The proxies are looked up once per host instead (below), the
        # CA bundle variables once here; credentials never come from ~/.netrc, only from the environment.
        self.session.trust_env = False
        self._proxies: dict[str, dict[str, str]] = {}
        ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if ca_bundle:
            self.session.verify = ca_bundle
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    def _proxies_for(self, url: str) -> dict[str, str]:
        """The proxies the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY...) gives this URL's host."""
        host = urlsplit(url).netloc
        if host not in self._proxies:
            self._proxies[host] = requests.utils.get_environ_proxies(url)
        return self._proxies[host]

    def url(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else f"{self.base_url}/{path_or_url.lstrip('/')}"

    def get(
        self, path_or_url: str, params: Mapping[str, object] | None = None, expect_json: bool = True
    ) -> Response:
        return self.request("GET", path_or_url, params, expect_json=expect_json)

    def post(
        self,
        path_or_url: str,
        data: Mapping[str, object] | None = None,
        json_body: object = None,
        auth: tuple[str, str] | None = None,
    ) -> Response:
        """A POST, for the few read APIs that want one (OAuth token requests, GraphQL-style searches)."""
        return self.request("POST", path_or_url, None, data=data, json_body=json_body, auth=auth)

    def request(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, object] | None = None,
        *,
        data: Mapping[str, object] | None = None,
        json_body: object = None,
        auth: tuple[str, str] | None = None,
        expect_json: bool = True,
    ) -> Response:
        url = self.url(path_or_url)
        endpoint = urlsplit(url).path
        asked = dict(params or {})
        if self._default_params:
            params = {**self._default_params, **asked}
        attempt = 0
        while True:
            attempt += 1
            self._pace()
            try:
                self.requests_made += 1
                resp = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    json=json_body,
                    auth=auth,
                    timeout=self.timeout,
                    proxies=self._proxies_for(url),
                )
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                # ChunkedEncodingError: the body stopped short of its Content-Length (a dropped connection)
                if attempt >= self.retry.max_attempts:
                    raise ApiError(
                        self.platform, endpoint, None, f"{type(exc).__name__} after {attempt} attempts"
                    ) from None
                self._backoff(attempt, None, endpoint, type(exc).__name__)
                continue
            now = self._clock()
            self._rate = parse_rate_limit(resp.headers, self.rate_limit_style, now)
            if resp.status_code in RETRY_STATUSES:
                if attempt >= self.retry.max_attempts:
                    raise ApiError(
                        self.platform, endpoint, resp.status_code, f"still failing after {attempt} attempts"
                    )
                wait = retry_after_seconds(resp.headers.get("Retry-After"), now)
                if wait is None and resp.status_code == 429 and self._rate.reset_at:
                    wait = max(0.0, self._rate.reset_at - now)
                self._backoff(attempt, wait, endpoint, f"HTTP {resp.status_code}")
                if wait is not None:
                    # Waited as long as the platform said: pacing on the refusal's own "0 left" as well would
                    # wait a second time (up to max_delay) for the same refusal. The next answer says anew.
                    self._rate = RateLimit(None, None, None)
                continue
            if resp.status_code >= 400:
                raise ApiError(self.platform, endpoint, resp.status_code, _error_cause(resp))
            try:
                text = resp.content.decode(resp.encoding or "utf-8")
            except (UnicodeDecodeError, LookupError):
                raise ApiError(
                    self.platform, endpoint, resp.status_code, "body is not valid UTF-8 text"
                ) from None
            if expect_json and not _is_json(text):
                # A body cut short in transit: the same request usually succeeds when repeated.
                if attempt >= self.retry.max_attempts:
                    raise ApiError(
                        self.platform, endpoint, resp.status_code, "body is not valid JSON (truncated?)"
                    )
                self._backoff(attempt, None, endpoint, "invalid JSON body")
                continue
            return Response(
                url=redact_url(resp.url),
                status=resp.status_code,
                headers={
                    k: _redact_links(v) if k.lower() == "link" else v
                    for k, v in resp.headers.items()
                    if k.lower() in KEPT_HEADERS or _RATE_HEADER.match(k)
                },
                text=text,
                fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                links={rel: link["url"] for rel, link in resp.links.items()},
                request_path=path_or_url,
                request_params=asked,
            )

    def _backoff(self, attempt: int, wait: float | None, endpoint: str, why: str) -> None:
        if wait is None:
            wait = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
            wait *= random.uniform(0.5, 1.0)  # jitter: many clients do not retry in step
        wait = min(wait, self.retry.max_delay)
        self.retries_made += 1
        log.warning("%s %s: %s, retry %d in %.2fs", self.platform, endpoint, why, attempt, wait)
        self._sleep(wait)

    def _pace(self) -> None:
        """Slow down before the platform refuses: spread what is left of the budget until the reset."""
        r = self._rate
        if r.remaining is None or r.reset_at is None or not r.limit:
            return
        if r.remaining > r.limit * self.retry.slow_down_below:
            return
        left = r.reset_at - self._clock()
        if left <= 0:
            return
        wait = left / (r.remaining + 1) if r.remaining > 0 else left
        self._sleep(min(wait, self.retry.max_delay))

    def paginate(
        self,
        path: str,
        params: Mapping[str, object] | None,
        next_request: Callable[[Response], tuple[str, Mapping[str, object] | None] | None],
        max_pages: int = 10_000,
    ) -> Iterator[Response]:
        """Follow pages while next_request(page) names the next (url, params); one strategy per platform."""
        url, query = path, params
        for _ in range(max_pages):
            page = self.get(url, query)
            yield page
            nxt = next_request(page)
            if nxt is None:
                return
            url, query = nxt
        raise ApiError(self.platform, urlsplit(self.url(path)).path, None, f"more than {max_pages} pages")


NextRequest = Callable[[Response], "tuple[str, Mapping[str, object] | None] | None"]


def next_from_link(page: Response) -> tuple[str, None] | None:
    """Link-header pagination (Mastodon, GitHub style): follow rel="next"."""
    nxt = page.links.get("next")
    return (nxt, None) if nxt else None


def dig(body: object, path: tuple[str, ...]) -> object:
    """body[path[0]][path[1]]..., or None where a step is missing."""
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def cursor_in_body(path: tuple[str, ...], param: str) -> NextRequest:
    """A cursor or token in the body, sent back as a query parameter of the same request.

    Bluesky: ("cursor",) -> cursor; X: ("meta", "next_token") -> pagination_token; Reddit: ("data", "after")
    -> after; YouTube: ("nextPageToken",) -> pageToken.
    """

    def next_request(page: Response):
        value = dig(page.json(), path)
        if value in (None, ""):
            return None
        return page.request_path, {**page.request_params, param: value}

    return next_request


def url_in_body(path: tuple[str, ...]) -> NextRequest:
    """The next page's whole URL in the body (Facebook Graph: paging.next)."""

    def next_request(page: Response):
        value = dig(page.json(), path)
        return (value, None) if isinstance(value, str) and value else None

    return next_request


def stop_before(
    start: dt.datetime,
    follow: NextRequest,
    items: Callable[[object], list],
    created_at: Callable[[dict], dt.datetime],
) -> NextRequest:
    """For APIs that page newest first: stop once a page reaches items created before `start`.

    A page whose items cannot be dated (malformed) does not stop the walk: the parser quarantines them.
    """

    def next_request(page: Response):
        found = items(page.json())
        if not found:
            return None
        try:
            oldest = min(created_at(item) for item in found)
        except (KeyError, TypeError, ValueError):
            oldest = None
        if oldest is not None and oldest < start:
            return None
        return follow(page)

    return next_request


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _redact_links(value: str) -> str:
    return re.sub(r"<([^>]*)>", lambda m: f"<{redact_url(m.group(1))}>", value)


def _error_cause(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return (resp.text or resp.reason or "no body")[:200]
    if isinstance(body, dict):
        for key in ("error_description", "error", "message", "detail", "title"):
            val = body.get(key)
            if isinstance(val, str):
                return val[:200]
            if isinstance(val, dict) and isinstance(val.get("message"), str):
                return val["message"][:200]
    return str(body)[:200]
