"""The shared HTTP core, against a real loopback server: retries, back-off, rate limits, errors, redaction."""

from __future__ import annotations

import logging

import pytest

from assets.ingest.http_core import (
    ApiError,
    HttpCore,
    RetryPolicy,
    parse_rate_limit,
    redact_url,
    retry_after_seconds,
)
from tests.support.scripted_server import ScriptedServer

OK = (200, {"Content-Type": "application/json"}, b'{"ok": true}')


def client(url: str, sleeps: list[float], **kw) -> HttpCore:
    return HttpCore(
        "mastodon",
        url,
        rate_limit_style="iso",
        sleep=sleeps.append,
        retry=kw.pop("retry", RetryPolicy(max_attempts=4, base_delay=0.5)),
        **kw,
    )


def test_429_waits_as_long_as_retry_after_says_then_succeeds():
    sleeps: list[float] = []
    with ScriptedServer([(429, {"Retry-After": "7"}, b'{"error":"Too many requests"}'), OK]) as s:
        resp = client(s.url, sleeps).get("/api/v1/instance")
    assert resp.json() == {"ok": True}
    assert sleeps == [7.0]


def test_5xx_backs_off_exponentially_with_jitter():
    sleeps: list[float] = []
    with ScriptedServer([(503, {}, b"down"), (502, {}, b"down"), (500, {}, b"down"), OK]) as s:
        http = client(s.url, sleeps)
        http.get("/x")
    assert len(sleeps) == 3 and http.retries_made == 3
    for i, wait in enumerate(sleeps):
        assert 0.5 * 2**i * 0.5 <= wait <= 0.5 * 2**i  # base × 2^(attempt-1), jittered down to half


def test_gives_up_after_max_attempts_naming_platform_endpoint_and_status():
    with ScriptedServer([(503, {}, b"down")] * 4) as s, pytest.raises(ApiError) as err:
        client(s.url, []).get("/api/v1/timelines/tag/x")
    assert str(err.value) == "mastodon: /api/v1/timelines/tag/x: HTTP 503: still failing after 4 attempts"


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_fail_at_once_with_the_platforms_message(status):
    with ScriptedServer([(status, {}, b'{"error": "The access token is invalid"}'), OK]) as s:
        with pytest.raises(ApiError) as err:
            client(s.url, []).get("/api/v1/accounts/lookup", {"acct": "x"})
        assert len(s.requests) == 1  # no retry
    assert err.value.status == status
    assert str(err.value) == f"mastodon: /api/v1/accounts/lookup: HTTP {status}: The access token is invalid"


def test_truncated_json_body_is_fetched_again():
    sleeps: list[float] = []
    with ScriptedServer([(200, {}, b'[{"id": "1", "cre'), OK]) as s:
        assert client(s.url, sleeps).get("/x").json() == {"ok": True}
    assert len(sleeps) == 1


def test_connection_errors_are_retried_then_reported():
    sleeps: list[float] = []
    http = client("http://127.0.0.1:9", sleeps, timeout=(0.5, 0.5))  # discard port: nothing listens
    with pytest.raises(ApiError, match=r"mastodon: /x: ConnectionError after 4 attempts"):
        http.get("/x")
    assert len(sleeps) == 3


def test_slows_down_before_the_budget_runs_out():
    sleeps: list[float] = []
    clock = [1_000_000.0]
    reset = "1970-01-12T13:47:40Z"  # epoch 1_000_060: 60 s after `clock`
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": reset}
    with ScriptedServer([(200, headers, b"[]"), OK]) as s:
        http = HttpCore(
            "mastodon", s.url, rate_limit_style="iso", sleep=sleeps.append, clock=lambda: clock[0]
        )
        http.get("/a")
        assert sleeps == []  # nothing known before the first answer
        http.get("/b")
    assert sleeps == [pytest.approx(60 / 6)]  # 5 left for 60 s: spread them


def test_token_goes_in_the_header_never_in_logs_or_landed_urls(caplog):
    secret = "s3cr3t-token-value"
    caplog.set_level(logging.DEBUG)
    with ScriptedServer(
        [
            (503, {"Link": f'<http://h/x?access_token={secret}>; rel="next"'}, b""),
            (200, {"Link": f'<http://h/x?access_token={secret}>; rel="next"'}, b"[]"),
        ]
    ) as s:
        resp = HttpCore("mastodon", s.url, token=secret, sleep=lambda _: None).get(
            "/x", {"access_token": secret}
        )
        assert s.requests[0]["headers"]["Authorization"] == f"Bearer {secret}"
    assert secret not in resp.url and "access_token=REDACTED" in resp.url
    assert secret not in str(resp.headers)
    assert secret not in caplog.text


def test_rate_limit_dialects():
    now = 1_700_000_000.0
    masto = parse_rate_limit(
        {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "299",
            "X-RateLimit-Reset": "2026-08-01T13:55:00.029100Z",
        },
        "iso",
        now,
    )
    assert (masto.limit, masto.remaining) == (300, 299) and masto.reset_at == pytest.approx(1785592500.0291)
    x = parse_rate_limit(
        {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": "1665170876"},
        "epoch",
        now,
    )
    assert (x.limit, x.remaining, x.reset_at) == (450, 449, 1665170876.0)
    reddit = parse_rate_limit(
        {"x-ratelimit-remaining": "995.0", "x-ratelimit-used": "5", "x-ratelimit-reset": "272"},
        "seconds",
        now,
    )
    assert (reddit.remaining, reddit.reset_at) == (995, now + 272)
    bsky = parse_rate_limit(
        {"RateLimit-Limit": "3000", "RateLimit-Remaining": "2999", "RateLimit-Reset": "1747667400"},
        "epoch",
        now,
    )
    assert (bsky.limit, bsky.reset_at) == (3000, 1747667400.0)


def test_retry_after_as_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == pytest.approx(10.0)
    assert retry_after_seconds("garbage", 0) is None


def test_redact_url_keeps_other_parameters():
    assert (
        redact_url("https://graph/x?fields=a,b&access_token=abc&after=Q")
        == "https://graph/x?fields=a,b&access_token=REDACTED&after=Q"
    )


def test_default_params_are_sent_and_redacted():
    with ScriptedServer([OK]) as s:
        resp = HttpCore("youtube", s.url, default_params={"key": "AIzaSECRET"}).get(
            "/youtube/v3/search", {"q": "x"}
        )
        assert "key=AIzaSECRET" in s.requests[0]["path"]
    assert "AIzaSECRET" not in resp.url and "key=REDACTED" in resp.url and "q=x" in resp.url
    assert resp.request_params == {"q": "x"}  # what a paginator sends back: defaults are added anew


def test_a_body_cut_short_of_its_content_length_is_fetched_again():
    sleeps: list[float] = []
    cut = (200, {"Content-Length": "100"}, b'[{"id": "1"')  # the server promises 100 bytes, sends 11
    with ScriptedServer([cut, OK]) as s:
        assert client(s.url, sleeps).get("/x").json() == {"ok": True}
    assert len(sleeps) == 1


def test_the_environments_proxies_are_honoured_though_read_once_per_host(monkeypatch):
    """HTTP_PROXY routes a request through the proxy and NO_PROXY bypasses it, as requests does with
    trust_env (which the client turns off: it re-read the whole environment on every request)."""
    from tests.support.loopback import LoopbackServer, QuietHandler

    asked: list[str] = []

    class Proxy(QuietHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)  # a proxy is asked for the absolute URL
            self.reply(200, [("Content-Type", "application/json")], b'{"via": "proxy"}')

    with LoopbackServer(Proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http = HttpCore("p", "http://api.example.invalid", retry=RetryPolicy(max_attempts=1))
        assert http.get("/v1/things", {"q": "a"}).json() == {"via": "proxy"}
        assert asked == ["http://api.example.invalid/v1/things?q=a"]
        assert http.session.trust_env is False
        monkeypatch.setenv("NO_PROXY", "api.example.invalid")
        direct = HttpCore("p", "http://api.example.invalid", retry=RetryPolicy(max_attempts=1))
        with pytest.raises(ApiError):  # straight to a host that does not exist
            direct.get("/v1/things")
        assert len(asked) == 1
