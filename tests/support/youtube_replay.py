"""Serve recorded YouTube Data API bodies over real HTTP on loopback.

The recordings are bare JSON bodies (no request, no headers), so each is tied to the request that would
have produced it: the endpoint path, the parameters that select the data (videoId, parentId, q) and the
pageToken (absent on a first page). Parameters that only narrow or shape a query (part, maxResults,
publishedAfter/Before, order, key) do not pick a body. A request with no recording gets YouTube's 404 error,
so a client that asks for a page nobody recorded fails loudly instead of receiving made-up data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .loopback import LoopbackServer, QuietHandler

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded" / "youtube"
SELECTING = ("id", "videoId", "parentId", "q", "channelId", "forHandle", "pageToken")

NOT_FOUND = {
    "error": {
        "code": 404,
        "message": "The requested resource was not recorded.",
        "errors": [{"message": "Not recorded.", "domain": "global", "reason": "notFound"}],
        "status": "NOT_FOUND",
    }
}


@dataclass(frozen=True)
class Route:
    path: str
    params: dict  # the selecting parameters the request must carry, exactly (pageToken too)
    body: str  # file name under RECORDED


def token(name: str) -> str:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))["nextPageToken"]


def recorded_routes() -> list[Route]:
    """Every recording, reachable by following its predecessor's nextPageToken."""
    threads, comments, search = (
        "comment_threads_comment_threads_by_video_paged_{}.json",
        "comments_comments_by_parent_paged_{}.json",
        "search_search_by_keywords_p{}.json",
    )
    return [
        Route("/youtube/v3/commentThreads", {"videoId": "F1UP7wRCPH8"}, threads.format(1)),
        Route(
            "/youtube/v3/commentThreads",
            {"videoId": "F1UP7wRCPH8", "pageToken": token(threads.format(1))},
            threads.format(2),
        ),
        Route("/youtube/v3/comments", {"parentId": "Ugw5zYU6n9pmIgAZWvN4AaABAg"}, comments.format(1)),
        Route(
            "/youtube/v3/comments",
            {"parentId": "Ugw5zYU6n9pmIgAZWvN4AaABAg", "pageToken": token(comments.format(1))},
            comments.format(2),
        ),
        Route("/youtube/v3/search", {"q": "surfing"}, search.format(1)),
        Route("/youtube/v3/search", {"q": "surfing", "pageToken": token(search.format(1))}, search.format(2)),
    ]


class YouTubeReplayServer(LoopbackServer):
    def __init__(self, routes: list[Route] | None = None):
        self.routes = recorded_routes() if routes is None else routes
        self.hits: list[tuple[str, dict[str, str]]] = []  # (path, every query parameter) per request
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                server.hits.append((parts.path, query))
                selecting = {k: v for k, v in query.items() if k in SELECTING}
                route = next(
                    (r for r in server.routes if r.path == parts.path and r.params == selecting), None
                )
                headers = [("Content-Type", "application/json; charset=UTF-8")]
                if route is None:
                    self.reply(404, headers, json.dumps(NOT_FOUND).encode())
                    return
                self.reply(200, headers, (RECORDED / route.body).read_bytes())

        super().__init__(Handler)
