"""The intraday listening settings (read from the environment by orchestration/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListeningConfig:
    enabled: bool = False  # the sensor starts switched on (else: turn it on in the UI)
    interval_minutes: int = 5  # how often the sensor polls mentions
    comments_every_minutes: int = 15  # comment threads are re-read this often (0: never)
    window_minutes: int = 60  # the rolling window of the bad-buzz detector
    step_minutes: int = 5  # the detector is evaluated at every such point, whatever the poll cadence
    baseline_days: int = 7  # the same window on this many trailing days makes the baseline
    k: float = 3.0  # an alert needs more negative mentions than k x the baseline ...
    min_negative: int = 10  # ... and at least this many
    growth_factor: float = 1.5  # an update is sent when the volume reaches this multiple of the last sent
    close_after_minutes: int = 30  # an incident closes once below its threshold for this long
    overlap_minutes: int = 10  # each poll re-reads this much before its cursor (late-indexed posts)
    max_catchup_hours: float = 24.0  # after a pause, polls reach back at most this far
    examples: int = 3  # example mentions carried by an alert
    platforms: tuple[str, ...] = ()  # empty: every platform with a tracked account
    webhook_url: str | None = None  # None: the log

    def __post_init__(self) -> None:
        for name in ("interval_minutes", "window_minutes", "step_minutes", "baseline_days", "min_negative"):
            if getattr(self, name) < 1:
                raise ValueError(f"listening {name} must be at least 1, got {getattr(self, name)}")
        if self.comments_every_minutes < 0 or self.overlap_minutes < 0 or self.close_after_minutes < 0:
            raise ValueError("listening comments_every, overlap and close_after minutes must be >= 0")
        if self.k <= 0 or self.growth_factor <= 1:
            raise ValueError(
                f"listening k must be > 0 and growth_factor > 1, got {self.k}, {self.growth_factor}"
            )
