"""Every setting read from the environment, in one place.

The defaults give the offline demo: a local lake under .data/ and the embedded sandbox. Production sets
SOCIAL_LAKE_URL=s3://bucket/prefix and SOCIAL_PLATFORM_MODE=live with each platform's credentials.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from assets.listening.config import ListeningConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
MODES = ("sandbox", "live")


class SettingsError(ValueError):
    """An environment variable holds a value the pipeline cannot use."""


@dataclass(frozen=True)
class Settings:
    lake_url: str  # landing zone, raw Parquet and quarantine live under it: a folder or s3://bucket/prefix
    state_dir: Path  # local working files: the dbt warehouse (one writer, a local DuckDB file) and scratch
    publish_dir: Path  # the published warehouse and dashboards that people read
    brands_file: Path
    platform_mode: str  # sandbox: the embedded simulated platforms; live: the real APIs
    sandbox_urls: dict[str, str]  # platform -> an already running sandbox; a platform not named starts one
    sandbox_seed: int
    sandbox_now: str | None  # freeze the sandbox clock (ISO time), for reproducible runs
    partitions_start: dt.date
    comment_lookback_days: int
    metrics_refresh_days: int  # the daily run fetches the posts of this many recent days again
    quarantine_max_share: float  # a partition with more quarantined records than this fails its check
    freshness_hours: float  # newer data than this is expected from every platform, else a warning
    alert_webhook_url: str | None  # failed runs and checks are posted here (JSON); None: to the log only
    listening: ListeningConfig = field(default_factory=ListeningConfig)  # intraday listening (sensor)

    def clock(self) -> dt.datetime:
        """Now, as the platforms see it: the sandbox's frozen clock when one is set."""
        if self.platform_mode == "sandbox" and self.sandbox_now:
            return dt.datetime.fromisoformat(self.sandbox_now).astimezone(dt.UTC)
        return dt.datetime.now(dt.UTC)

    @property
    def lake_is_remote(self) -> bool:
        """The lake is on S3: the published Parquet goes there too (the DuckDB files stay on local disk)."""
        return self.lake_url.startswith("s3://")

    @property
    def warehouse_path(self) -> Path:
        return self.state_dir / "warehouse" / "social.duckdb"

    @property
    def dbt_project_dir(self) -> Path:
        return REPO_ROOT / "dbt_project"

    @property
    def expectations_dir(self) -> Path:
        return REPO_ROOT / "expectations"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data = Path(env.get("SOCIAL_DATA_DIR", REPO_ROOT / ".data"))
    mode = env.get("SOCIAL_PLATFORM_MODE", "sandbox")
    if mode not in MODES:
        raise SettingsError(f"SOCIAL_PLATFORM_MODE must be one of {MODES}, got {mode!r}")
    return Settings(
        lake_url=_lake_url(env.get("SOCIAL_LAKE_URL") or str((data / "lake").resolve())),
        state_dir=Path(env.get("SOCIAL_STATE_DIR", data / "state")).resolve(),
        publish_dir=Path(env.get("SOCIAL_PUBLISH_DIR", data / "published")).resolve(),
        brands_file=Path(env.get("SOCIAL_BRANDS_FILE", REPO_ROOT / "brands.yaml")).resolve(),
        platform_mode=mode,
        sandbox_urls=_urls(env.get("SOCIAL_SANDBOX_URLS", "")),
        sandbox_seed=_int(env, "SOCIAL_SANDBOX_SEED", 42),
        sandbox_now=env.get("SOCIAL_SANDBOX_NOW") or None,
        partitions_start=_date(env, "SOCIAL_PARTITIONS_START", dt.date(2025, 1, 1)),
        comment_lookback_days=_int(env, "SOCIAL_COMMENT_LOOKBACK_DAYS", 7),
        metrics_refresh_days=_int(env, "SOCIAL_METRICS_REFRESH_DAYS", 3),
        quarantine_max_share=_float(env, "SOCIAL_QUARANTINE_MAX_SHARE", 0.02),
        freshness_hours=_float(env, "SOCIAL_FRESHNESS_HOURS", 48.0),
        alert_webhook_url=env.get("SOCIAL_ALERT_WEBHOOK_URL") or None,
        listening=_listening(env),
    )


def _listening(env: dict[str, str]) -> ListeningConfig:
    """SOCIAL_LISTENING_*: the intraday sensor's cadence, the bad-buzz thresholds, its webhook."""
    platforms = tuple(p.strip() for p in env.get("SOCIAL_LISTENING_PLATFORMS", "").split(",") if p.strip())
    try:
        return ListeningConfig(
            enabled=env.get("SOCIAL_LISTENING_ENABLED", "").lower() in ("1", "true", "yes"),
            interval_minutes=_int(env, "SOCIAL_LISTENING_INTERVAL_MINUTES", 5),
            comments_every_minutes=_int(env, "SOCIAL_LISTENING_COMMENTS_MINUTES", 15),
            window_minutes=_int(env, "SOCIAL_LISTENING_WINDOW_MINUTES", 60),
            baseline_days=_int(env, "SOCIAL_LISTENING_BASELINE_DAYS", 7),
            k=_float(env, "SOCIAL_LISTENING_K", 3.0),
            min_negative=_int(env, "SOCIAL_LISTENING_MIN_NEGATIVE", 10),
            platforms=platforms,
            webhook_url=env.get("SOCIAL_LISTENING_WEBHOOK_URL")
            or env.get("SOCIAL_ALERT_WEBHOOK_URL")
            or None,
        )
    except ValueError as exc:
        raise SettingsError(f"SOCIAL_LISTENING_*: {exc}") from None


def _lake_url(value: str) -> str:
    """A local folder, or s3://bucket[/prefix] (endpoint and credentials: the standard AWS environment)."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    if sep and scheme not in ("s3", "file"):
        raise SettingsError(f"SOCIAL_LAKE_URL must be a folder or s3://bucket/prefix, got a {scheme}:// URL")
    if scheme == "s3" and sep and not rest.split("/", 1)[0]:
        raise SettingsError("SOCIAL_LAKE_URL: s3:// needs a bucket name, as in s3://bucket/prefix")
    return value


def _urls(value: str) -> dict[str, str]:
    """'mastodon=http://127.0.0.1:8787,bluesky=http://127.0.0.1:8788' -> {platform: url}."""
    out = {}
    for item in filter(None, (v.strip() for v in value.split(","))):
        platform, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise SettingsError(f"SOCIAL_SANDBOX_URLS: expected platform=http://host:port, got {item!r}")
        out[platform.strip()] = url.strip()
    return out


def _int(env: dict[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {env[name]!r}") from None


def _float(env: dict[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {env[name]!r}") from None


def _date(env: dict[str, str], name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(env[name]) if name in env else default
    except ValueError:
        raise SettingsError(f"{name} must be a date YYYY-MM-DD, got {env[name]!r}") from None
