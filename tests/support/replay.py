"""Serve recorded API responses (vcrpy cassettes) over real HTTP on loopback.

The connectors then talk to a real server through `requests`, and see the bytes the platform sent. Only
the Link header's host is rewritten, so that pagination comes back to this server instead of the host the
responses were recorded from.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .loopback import LoopbackServer, QuietHandler

SKIPPED_HEADERS = ("content-length", "transfer-encoding", "content-encoding", "connection")


def load_cassette(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc["interactions"]


class ReplayServer(LoopbackServer):
    def __init__(self, cassette: Path, recorded_origin: str = "http://localhost:3000"):
        self.interactions = {}
        for i in load_cassette(cassette):
            req = i["request"]
            if req["method"] != "GET":
                continue
            parts = urlsplit(req["uri"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            self.interactions.setdefault(target, i["response"])  # the first answer, as a client would see it
        self.hits: list[str] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.hits.append(self.path)
                resp = server.interactions.get(self.path)
                if resp is None:
                    self.reply(404, [], b'{"error":"Record not found"}')
                    return
                body = resp["body"]["string"]
                headers = [
                    (name, v.replace(recorded_origin, server.url))
                    for name, values in resp["headers"].items()
                    if name.lower() not in SKIPPED_HEADERS
                    for v in (values if isinstance(values, list) else [values])
                ]
                self.reply(
                    resp["status"]["code"], headers, body if isinstance(body, bytes) else body.encode()
                )

        super().__init__(Handler)
