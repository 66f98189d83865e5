"""Fault injection, off by default: the n-th API request fails in a way chosen from a seed and n only, so a
run with the same requests in the same order meets the same faults."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .randomness import stream

FAULT_KINDS = ("429", "500", "502", "503", "truncated")


@dataclass(frozen=True)
class FaultConfig:
    seed: int = 0
    rate_429: float = 0.0  # Too many requests, with Retry-After
    rate_500: float = 0.0  # the application fails (JSON error)
    rate_502: float = 0.0  # the proxy in front fails (HTML page)
    rate_503: float = 0.0
    rate_truncated: float = 0.0  # the connection drops halfway through the body
    retry_after_seconds: int = 1
    # Not a per-request draw: this share of the records in every answer arrives broken (a timestamp that is
    # not one), chosen from the seed and the record's id, so the same records break on every request.
    malformed_records: float = 0.0

    def __post_init__(self) -> None:
        rates = [getattr(self, f.name) for f in fields(self) if f.name.startswith("rate_")]
        if any(not 0 <= r <= 1 for r in rates) or sum(rates) > 1:
            raise ValueError(f"fault rates must lie in [0, 1] and sum to at most 1, got {rates}")
        if not 0 <= self.malformed_records <= 1:
            raise ValueError(f"malformed_records must lie in [0, 1], got {self.malformed_records}")

    def breaks_record(self, record_id: str) -> bool:
        """Whether this record is served malformed (see malformed_records)."""
        return (
            self.malformed_records > 0
            and stream(self.seed, "malformed", record_id).random() < self.malformed_records
        )

    @property
    def enabled(self) -> bool:
        return any(getattr(self, f"rate_{kind}") > 0 for kind in FAULT_KINDS)

    def fault_for(self, request_number: int) -> str | None:
        """The fault (one of FAULT_KINDS) the request_number-th request meets, or None."""
        if not self.enabled:
            return None
        u = stream(self.seed, "fault", request_number).random()
        for kind in FAULT_KINDS:
            rate = getattr(self, f"rate_{kind}")
            if u < rate:
                return kind
            u -= rate
        return None
