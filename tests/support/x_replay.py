"""Serve tweepy's recorded X API responses over real HTTP on loopback.

tweepy's cassettes are vcrpy YAML whose bodies are gzip bytes (`!!binary`), or vcrpy JSON with plain text;
both are served decompressed. A request matches a recording by path and by the recorded query parameters
(the connector sends more: tweet.fields, start_time, ... which the recordings were made without).

The recordings stop after their first page. A request carrying a recorded page's meta.next_token gets X's
end-of-results page, {"meta": {"result_count": 0}} (what X sends once nothing is left), so that a walk
can be followed to its end; it is the only response here that no recording holds.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

from .loopback import LoopbackServer, QuietHandler

SKIPPED_HEADERS = ("content-length", "transfer-encoding", "content-encoding", "connection", "set-cookie")
TOKEN_PARAMS = ("pagination_token", "next_token")
END_PAGE = b'{"meta":{"result_count":0}}'


def load_interactions(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return doc["interactions"]


def body_text(response: dict) -> str:
    """The body as the client sees it: gunzipped when the recording kept the gzip bytes."""
    body = response["body"]["string"]
    if isinstance(body, bytes):
        return gzip.decompress(body).decode("utf-8")
    return body


class XReplayServer(LoopbackServer):
    def __init__(self, *cassettes: Path):
        self.recorded: list[tuple[str, dict, dict]] = []  # (path, recorded query, response)
        for cassette in cassettes:
            for i in load_interactions(cassette):
                parts = urlsplit(i["request"]["uri"])
                self.recorded.append((parts.path, dict(parse_qsl(parts.query)), i["response"]))
        self.hits: list[tuple[str, dict]] = []
        self.end_pages_served = 0
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                server.hits.append((parts.path, query))
                status, headers, body = server.answer(parts.path, query)
                self.reply(status, headers, body)

        super().__init__(Handler)

    def answer(self, path: str, query: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        token = next((query[p] for p in TOKEN_PARAMS if p in query), None)
        for rec_path, rec_query, resp in self.recorded:
            if rec_path != path or any(query.get(k) != v for k, v in rec_query.items()):
                continue
            text = body_text(resp)
            if token is None:
                headers = [
                    (name, v)
                    for name, values in resp["headers"].items()
                    if name.lower() not in SKIPPED_HEADERS
                    for v in (values if isinstance(values, list) else [values])
                ]
                return resp["status"]["code"], headers, text.encode("utf-8")
            if json.loads(text).get("meta", {}).get("next_token") == token:
                self.end_pages_served += 1
                return 200, [("content-type", "application/json; charset=utf-8")], END_PAGE
        problem = {
            "title": "Not Found Error",
            "detail": f"nothing recorded for {path}",
            "type": "about:blank",
        }
        return 404, [("content-type", "application/problem+json")], json.dumps(problem).encode()
