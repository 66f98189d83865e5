"""Where each platform's API is: the embedded sandbox, or the real service with credentials from the environment.

A connector is the module assets/ingest/<platform>.py; it declares, beside its Connector class:
  RATE_LIMIT_STYLE   how the platform's rate-limit headers read (see http_core.parse_rate_limit)
  LIVE_BASE_URL      (environment variable, default URL or None when it must be set)
  LIVE_CREDENTIALS   environment variables a live run needs; their values reach the connector only
  http_options(credentials) -> HttpCore keyword arguments (bearer token, default query parameters)
One object per run. In sandbox mode it starts each platform's simulated API on loopback the first time its
connector is asked for (unless SOCIAL_SANDBOX_URLS names a running one) and stops them at the end.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
from types import ModuleType

from assets.brand_config import BrandConfig

from .http_core import HttpCore
from .pseudonyms import pseudonymizer_from_env

log = logging.getLogger(__name__)

# The platforms whose connector and sandbox are both in place, in the order runs take them.
SUPPORTED = ("mastodon", "bluesky", "reddit", "x", "facebook", "youtube")


class PlatformConfigError(RuntimeError):
    pass


def connector_module(platform: str) -> ModuleType:
    if platform not in SUPPORTED:
        raise PlatformConfigError(f"no connector for platform {platform!r} (have: {', '.join(SUPPORTED)})")
    return importlib.import_module(f"assets.ingest.{platform}")


class PlatformApis:
    def __init__(
        self,
        config: BrandConfig,
        mode: str,
        *,
        sandbox_urls: dict[str, str] | None = None,
        sandbox_seed: int = 42,
        sandbox_now: str | None = None,
        comment_lookback_days: int = 7,
        env: dict[str, str] | None = None,
    ):
        self.config = config
        self.mode = mode
        self.sandbox_urls = dict(sandbox_urls or {})
        self.sandbox_seed = sandbox_seed
        self.sandbox_now = sandbox_now
        self.lookback = comment_lookback_days
        self._env = dict(os.environ if env is None else env)
        self._servers: dict[str, object] = {}
        self._clients: list[HttpCore] = []

    def platforms(self) -> list[str]:
        """The supported platforms on which at least one brand has an account."""
        return [p for p in SUPPORTED if self.config.accounts_on(p)]

    def check_live_credentials(self) -> None:
        """Fail at start-up, naming every missing variable, rather than halfway through a run."""
        if self.mode != "live":
            return
        missing = []
        for platform in self.platforms():
            module = connector_module(platform)
            url_var, default = module.LIVE_BASE_URL
            if default is None and not self._env.get(url_var):
                missing.append(url_var)
            missing += [v for v in module.LIVE_CREDENTIALS if not self._env.get(v)]
        if missing:
            raise PlatformConfigError(
                f"SOCIAL_PLATFORM_MODE=live but these environment variables are not set: {', '.join(missing)}"
            )

    def connector(self, platform: str):
        module = connector_module(platform)
        if self.mode == "live":
            self.check_live_credentials()
            url_var, default = module.LIVE_BASE_URL
            base_url = self._env.get(url_var) or default
            credentials = {v: self._env[v] for v in module.LIVE_CREDENTIALS}
        else:
            base_url, credentials = self.sandbox_urls.get(platform) or self._start_sandbox(platform), {}
        http = HttpCore(
            platform,
            base_url,
            rate_limit_style=module.RATE_LIMIT_STYLE,
            timeout=(5.0, self.read_timeout()),
            **module.http_options(credentials),
        )
        self._clients.append(http)
        pseudonymize = pseudonymizer_from_env(self._env, self.mode)
        return module.Connector(
            http, self.config, pseudonymize, lookback_days=self.lookback, credentials=credentials
        )

    def read_timeout(self) -> float:
        """Seconds to wait for an answer before trying again (SOCIAL_HTTP_TIMEOUT_SECONDS, default 30)."""
        value = self._env.get("SOCIAL_HTTP_TIMEOUT_SECONDS") or "30"
        try:
            seconds = float(value)
        except ValueError:
            seconds = 0.0
        if not seconds > 0:
            raise PlatformConfigError(f"SOCIAL_HTTP_TIMEOUT_SECONDS must be a positive number, got {value!r}")
        return seconds

    def _start_sandbox(self, platform: str) -> str:
        if platform not in self._servers:
            from sandbox import SandboxServer, World

            now = dt.datetime.fromisoformat(self.sandbox_now) if self.sandbox_now else None
            world = World(self.config, seed=self.sandbox_seed, now=now, platform=platform)
            self._servers[platform] = SandboxServer(world).start()
            log.info("sandbox %s API serving at %s", platform, self._servers[platform].url)
        return self._servers[platform].url

    def close(self) -> None:
        for http in self._clients:
            http.close()
        self._clients.clear()
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
