"""Members of the public become a keyed hash before anything is written to raw Parquet.

HMAC-SHA256 with a key from the environment (SOCIAL_PSEUDONYM_KEY): the same person keeps the same pseudonym
across days and platforms' runs, so audience metrics work, but nobody without the key can recompute it from
a handle. Tracked brand accounts are not members of the public and keep their real ids.
"""

from __future__ import annotations

import hashlib
import hmac

SANDBOX_KEY = "sandbox-only-pseudonym-key"  # the simulated community has no real people in it


class PseudonymKeyError(RuntimeError):
    pass


class Pseudonymizer:
    def __init__(self, key: str):
        if not key:
            raise PseudonymKeyError("SOCIAL_PSEUDONYM_KEY is empty: a key is needed to pseudonymise authors")
        self._key = key.encode("utf-8")

    def __repr__(self) -> str:  # never show the key in logs or Dagster's UI
        return "Pseudonymizer(key=<hidden>)"

    def __call__(self, platform: str, author_id: str) -> str:
        digest = hmac.new(self._key, f"{platform}:{author_id}".encode(), hashlib.sha256).hexdigest()
        return f"p_{digest[:24]}"


def pseudonymizer_from_env(env: dict[str, str], platform_mode: str) -> Pseudonymizer:
    key = env.get("SOCIAL_PSEUDONYM_KEY")
    if key:
        return Pseudonymizer(key)
    if platform_mode == "sandbox":
        return Pseudonymizer(SANDBOX_KEY)
    raise PseudonymKeyError(
        "SOCIAL_PSEUDONYM_KEY is not set: live platforms need a secret key to pseudonymise members of the public"
    )
