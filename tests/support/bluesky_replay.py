"""Serve recorded Bluesky responses (R vcr YAML, as bskyr records them) over real HTTP on loopback.

A request matches a recording when it has the same XRPC method and every query parameter the recording sent,
with the same value. Parameters the recording did not send are accepted only if they cannot change which page
comes back (`ignored`: limit, filter, depth...); anything else, a `cursor` above all, finds no recording and
gets the XRPC error a server gives for an unknown request, so pagination is never served the same page twice.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from .loopback import LoopbackServer, QuietHandler

SKIPPED_HEADERS = ("content-length", "transfer-encoding", "content-encoding", "connection")


def load_vcr(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"]


class BlueskyReplayServer(LoopbackServer):
    def __init__(self, *cassettes: Path, ignored: tuple[str, ...] = ()):
        self.recorded: list[tuple[str, dict, dict]] = []  # (path, query, response)
        for cassette in cassettes:
            for i in load_vcr(cassette):
                if i["request"]["method"].upper() != "GET":
                    continue
                parts = urlsplit(i["request"]["uri"])
                self.recorded.append((parts.path, parse_qs(parts.query), i["response"]))
        self.ignored = frozenset(ignored)
        self.hits: list[str] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.hits.append(self.path)
                resp = server.find(self.path)
                if resp is None:
                    self.reply(
                        400,
                        [("Content-Type", "application/json; charset=utf-8")],
                        b'{"error":"InvalidRequest","message":"no recorded response for this request"}',
                    )
                    return
                headers = [
                    (name, str(value))
                    for name, value in resp["headers"].items()
                    if name.lower() not in SKIPPED_HEADERS
                ]
                self.reply(resp["status"], headers, resp["body"]["string"].encode("utf-8"))

        super().__init__(Handler)

    def find(self, target: str) -> dict | None:
        parts = urlsplit(target)
        asked = parse_qs(parts.query)
        for path, query, response in self.recorded:
            if path != parts.path:
                continue
            if any(asked.get(k) != v for k, v in query.items()):
                continue
            if all(k in query or k in self.ignored for k in asked):
                return response
        return None
