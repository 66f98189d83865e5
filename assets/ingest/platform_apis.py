"""Where each platform's API is: the embedded sandbox, or the real service with credentials from the environment.

One object per run. In sandbox mode it starts the simulated platforms on loopback the first time a
connector is asked for (or uses SOCIAL_SANDBOX_URL when one is already running) and stops them at the end.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from assets.brand_config import BrandConfig

from .http_core import HttpCore
from .mastodon import MastodonConnector
from .pseudonyms import pseudonymizer_from_env

log = logging.getLogger(__name__)

CONNECTORS = {"mastodon": MastodonConnector}
RATE_LIMIT_STYLE = {"mastodon": "iso"}
# Live credentials: base URL and token per platform, only ever read from the environment.
LIVE_ENV = {"mastodon": ("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN")}


class PlatformConfigError(RuntimeError):
    pass


class PlatformApis:
    def __init__(
        self,
        config: BrandConfig,
        mode: str,
        *,
        sandbox_url: str | None = None,
        sandbox_seed: int = 42,
        sandbox_now: str | None = None,
        comment_lookback_days: int = 7,
        env: dict[str, str] | None = None,
    ):
        self.config = config
        self.mode = mode
        self.sandbox_url = sandbox_url
        self.sandbox_seed = sandbox_seed
        self.sandbox_now = sandbox_now
        self.lookback = comment_lookback_days
        self._env = dict(os.environ if env is None else env)
        self._server = None
        self._clients: list[HttpCore] = []

    def platforms(self) -> list[str]:
        """The platforms with a connector and at least one configured account or term to track."""
        return [p for p in CONNECTORS if any(p in b.accounts for b in self.config.brands.values())]

    def connector(self, platform: str):
        if platform not in CONNECTORS:
            raise PlatformConfigError(f"no connector for platform {platform!r} (have: {sorted(CONNECTORS)})")
        base_url, token = self._endpoint(platform)
        http = HttpCore(platform, base_url, token=token, rate_limit_style=RATE_LIMIT_STYLE[platform])
        self._clients.append(http)
        pseudonymize = pseudonymizer_from_env(self._env, self.mode)
        return CONNECTORS[platform](http, self.config, pseudonymize, lookback_days=self.lookback)

    def _endpoint(self, platform: str) -> tuple[str, str | None]:
        if self.mode == "live":
            url_var, token_var = LIVE_ENV[platform]
            base_url = self._env.get(url_var)
            if not base_url:
                raise PlatformConfigError(f"{platform}: {url_var} is not set (SOCIAL_PLATFORM_MODE=live)")
            return base_url, self._env.get(token_var) or None
        if self.sandbox_url:
            return self.sandbox_url, None
        return self._start_sandbox(), None

    def _start_sandbox(self) -> str:
        if self._server is None:
            from sandbox import SandboxServer, World

            now = dt.datetime.fromisoformat(self.sandbox_now) if self.sandbox_now else None
            world = World(self.config, seed=self.sandbox_seed, now=now)
            self._server = SandboxServer(world).start()
            log.info("sandbox platforms serving at %s", self._server.url)
        return self._server.url

    def close(self) -> None:
        for http in self._clients:
            http.close()
        self._clients.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None
