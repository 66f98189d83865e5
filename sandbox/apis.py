"""Which API module renders a platform's world: sandbox/<platform>_api.py, whose class is named API.

Every API class takes (world, base_url, access_token, rate_limit, faults) and offers
handle(method, target, headers) -> Response and server_time() -> epoch seconds (the platform's clock).
"""

from __future__ import annotations

import importlib


def api_class(platform: str):
    try:
        module = importlib.import_module(f"sandbox.{platform}_api")
    except ModuleNotFoundError:
        raise ValueError(
            f"the sandbox does not speak {platform!r}'s API (no sandbox/{platform}_api.py)"
        ) from None
    return module.API
