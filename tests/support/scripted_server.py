"""A loopback HTTP server that answers each request with the next scripted response."""

from __future__ import annotations

from .loopback import LoopbackServer, QuietHandler


class ScriptedServer(LoopbackServer):
    def __init__(self, script: list[tuple[int, dict, bytes]]):
        self.script = list(script)
        self.requests: list[dict] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                status, headers, body = (
                    server.script.pop(0) if server.script else (500, {}, b"script exhausted")
                )
                self.reply(status, list(headers.items()), body)

        super().__init__(Handler)
