"""Serve recorded Graph API bodies (python-facebook's test data: bodies only, no headers) over loopback HTTP.

A route maps a request path (any /vNN.N prefix dropped) to recorded bodies: the first page for a request
without a cursor, the next one for a request carrying the scrubbed cursor `after=after` that the recorded
paging.next holds. The recorded paging URLs point at graph.facebook.com: with rewrite_host (the default) the
served bodies point at this server instead, as the live API points at itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .loopback import LoopbackServer, QuietHandler

RECORDED_ORIGIN = "https://graph.facebook.com"
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


class FacebookReplayServer(LoopbackServer):
    def __init__(
        self,
        directory: Path,
        routes: dict[str, list[str]],
        headers: list[tuple[str, str]] = (),
        rewrite_host: bool = True,
    ):
        """routes: path (no version) -> recorded file names, page 1 first. headers: sent with every body."""
        self.routes = {path: [(directory / n).read_bytes() for n in names] for path, names in routes.items()}
        self.headers = list(headers)
        self.rewrite_host = rewrite_host
        self.hits: list[str] = []  # every request target, as received (tokens included: tests look at them)
        self.failures: list[tuple[int, dict, list[tuple[str, str]]]] = []  # served first, one per request
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.hits.append(self.path)
                if server.failures:
                    status, payload, extra = server.failures.pop(0)
                    body = json.dumps(payload).encode()
                    self.reply(status, [("Content-Type", "application/json"), *extra], body)
                    return
                parts = urlsplit(self.path)
                pages = server.routes.get(_VERSION.sub("", parts.path))
                if pages is None:
                    error = {
                        "message": "Unsupported get request.",
                        "type": "GraphMethodException",
                        "code": 100,
                    }
                    self.reply(
                        400, [("Content-Type", "application/json")], json.dumps({"error": error}).encode()
                    )
                    return
                after = parse_qs(parts.query).get("after", [None])[-1]
                body = pages[0] if after is None else pages[1]
                if server.rewrite_host:
                    body = body.replace(RECORDED_ORIGIN.encode(), server.url.encode())
                self.reply(200, [("Content-Type", "application/json; charset=UTF-8"), *server.headers], body)

        super().__init__(Handler)
