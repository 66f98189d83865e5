"""Serve recorded API responses (vcrpy cassettes) over real HTTP on loopback.

The connectors then talk to a real server through `requests`, and see the bytes the platform sent. Only
the Link header's host is rewritten, so that pagination comes back to this server instead of the host the
responses were recorded from.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml


def load_cassette(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc["interactions"]


class ReplayServer:
    def __init__(self, cassette: Path, recorded_origin: str = "http://localhost:3000"):
        self.interactions = {}
        for i in load_cassette(cassette):
            req = i["request"]
            if req["method"] != "GET":
                continue
            parts = urlsplit(req["uri"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            self.interactions.setdefault(target, i["response"])  # the first answer, as a client would see it
        self.recorded_origin = recorded_origin
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.hits.append(self.path)
                resp = server.interactions.get(self.path)
                if resp is None:
                    self.send_response(404)
                    self.end_headers()
                    self.wfile.write(b'{"error":"Record not found"}')
                    return
                body = resp["body"]["string"]
                body = body if isinstance(body, bytes) else body.encode("utf-8")
                self.send_response(resp["status"]["code"])
                for name, values in resp["headers"].items():
                    if name.lower() in (
                        "content-length",
                        "transfer-encoding",
                        "content-encoding",
                        "connection",
                    ):
                        continue
                    for v in values if isinstance(values, list) else [values]:
                        self.send_header(name, v.replace(server.recorded_origin, server.url))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
