"""Serve recorded Reddit responses (betamax JSON cassettes, as PRAW records them) over real HTTP on loopback.

Requests are matched on the path and the query parameters, in any order (betamax's own default matchers are
method and URI). The token request is answered from the cassette too, so a connector's sign-in runs for real.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from .loopback import LoopbackServer, QuietHandler

SKIPPED_HEADERS = ("content-length", "transfer-encoding", "content-encoding", "connection")
NOT_FOUND = b'{"message": "Not Found", "error": 404}'  # Reddit's own 404 body


def request_key(method: str, target: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(target)
    return method, unquote(parts.path).rstrip("/"), tuple(sorted(parse_qsl(parts.query, True)))


def load_betamax(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["interactions"]


class RedditReplayServer(LoopbackServer):
    def __init__(self, cassette: Path):
        self.interactions: dict[tuple, dict] = {}
        for i in load_betamax(cassette):
            key = request_key(i["request"]["method"], i["request"]["uri"])
            self.interactions.setdefault(key, i["response"])  # the first answer, as a client would see it
        self.hits: list[tuple[str, str, dict[str, str]]] = []  # method, target, request headers
        server = self

        class Handler(QuietHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.hits.append((method, self.path, dict(self.headers)))
                resp = server.interactions.get(request_key(method, self.path))
                if resp is None:
                    self.reply(404, [("Content-Type", "application/json; charset=UTF-8")], NOT_FOUND)
                    return
                headers = [
                    (name, v)
                    for name, values in resp["headers"].items()
                    if name.lower() not in SKIPPED_HEADERS
                    for v in (values if isinstance(values, list) else [values])
                ]
                self.reply(resp["status"]["code"], headers, resp["body"]["string"].encode("utf-8"))

            def do_GET(self):  # noqa: N802 (http.server's naming)
                self._answer("GET")

            def do_POST(self):  # noqa: N802
                self._answer("POST")

        super().__init__(Handler)
