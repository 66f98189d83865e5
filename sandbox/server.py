"""The sandbox served over real HTTP on loopback, in a background thread."""

from __future__ import annotations

import email.utils
import json
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .apis import api_class
from .faults import FaultConfig
from .limits import RateLimit
from .world import World


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client session reuses its connection
    disable_nagle_algorithm = True  # else headers and body in two writes wait ~40 ms for a delayed ACK
    api: object  # the platform's API (sandbox/<platform>_api.py), set on the per-server subclass
    counter: list[int]  # requests served, for the server-level faults (per-server subclass)
    counter_lock: threading.Lock
    verbose = False

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve("PATCH")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # drain the body so the connection stays usable
        try:
            response = self.api.handle(method, self.path, self.headers)
        except Exception:  # a bug in the sandbox: say so loudly, answer like Mastodon would
            traceback.print_exc(file=sys.stderr)
            body = json.dumps({"error": "Internal server error"}).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        faults = self.api.faults
        with self.counter_lock:
            self.counter[0] += 1
            number = self.counter[0]
        if faults.is_reset(number):
            # SO_LINGER 0: closing sends a TCP RST, not a FIN; the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.server.to_reset.add(self.connection)
            self.close_connection = True
            return
        if faults.is_slow(number):
            time.sleep(faults.slow_seconds)  # the client may time out first: it should try again
        body = response.body
        if (
            (faults.reshapes_bodies or faults.rewrites_records)
            and response.status == 200
            and body[:1] in b"{["
        ):
            doc = json.loads(body)
            doc = faults.break_records(doc) if faults.rewrites_records else doc
            body = json.dumps(faults.reshape(doc) if faults.reshapes_bodies else doc).encode()
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if response.truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if response.truncate else body)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(self.api.server_time() if timestamp is None else timestamp, usegmt=True)

    def version_string(self) -> str:
        return f"sandbox-{self.api.world.platform}"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        if self.verbose:
            super().log_message(format, *args)


class _QuietServer(ThreadingHTTPServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_reset: set[socket.socket] = set()  # connections to drop with a reset (no FIN first)

    def shutdown_request(self, request) -> None:
        if request in self.to_reset:
            self.to_reset.discard(request)
            self.close_request(request)  # close without shutdown(): the kernel sends the RST
            return
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        # A client that timed out or hung up mid-answer is part of the game (slow and truncated faults).
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """SandboxServer(world).start() serves the world at .url until stop(); also a context manager."""

    def __init__(
        self,
        world: World,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token: str | None = None,
        rate_limit: RateLimit | None = None,
        faults: FaultConfig | None = None,
        verbose: bool = False,
    ):
        self.world, self.host, self.port = world, host, port
        self.access_token, self.faults, self.verbose = access_token, faults, verbose
        self.rate_limit = rate_limit or RateLimit()
        self.api = None
        self._httpd: ThreadingHTTPServer | None = None
        self._handler: type[_Handler] | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        handler = type(
            "SandboxHandler",
            (_Handler,),
            {"verbose": self.verbose, "counter": [0], "counter_lock": threading.Lock()},
        )
        httpd = _QuietServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        self._httpd, self._handler = httpd, handler
        self.api = api_class(self.world.platform)(
            self.world, self.url, self.access_token, self.rate_limit, self.faults
        )
        handler.api = self.api
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=f"sandbox-{self.url}", daemon=True
        )
        self._thread.start()
        return self

    @property
    def requests_served(self) -> int:
        """Answers handled so far (the numbers the server-level faults, slow and reset, were drawn for)."""
        return self._handler.counter[0] if self._handler is not None else 0

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
