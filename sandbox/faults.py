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
    # Applied by the server to every platform's answers (sandbox/server.py), independent of the draw above:
    rate_slow: float = 0.0  # this share of requests waits slow_seconds before answering (client timeouts)
    slow_seconds: float = 0.0
    extra_fields: bool = False  # every JSON object gains a field no client knows (an API that grew)
    drop_fields: tuple[str, ...] = ()  # these keys vanish from every JSON object (optional fields left out)

    def __post_init__(self) -> None:
        rates = [getattr(self, f.name) for f in fields(self) if f.name.startswith("rate_")]
        if any(not 0 <= r <= 1 for r in rates) or sum(rates) > 1:
            raise ValueError(f"fault rates must lie in [0, 1] and sum to at most 1, got {rates}")
        if not 0 <= self.rate_slow <= 1 or self.slow_seconds < 0:
            raise ValueError(
                f"rate_slow must lie in [0, 1] and slow_seconds be >= 0, got {self.rate_slow}, "
                f"{self.slow_seconds}"
            )
        if not 0 <= self.malformed_records <= 1:
            raise ValueError(f"malformed_records must lie in [0, 1], got {self.malformed_records}")

    def is_slow(self, request_number: int) -> bool:
        return self.rate_slow > 0 and stream(self.seed, "slow", request_number).random() < self.rate_slow

    @property
    def reshapes_bodies(self) -> bool:
        return self.extra_fields or bool(self.drop_fields)

    def reshape(self, doc: object) -> object:
        """The JSON document with the schema drift switched on: extra fields added, optional ones dropped."""
        if isinstance(doc, list):
            return [self.reshape(v) for v in doc]
        if not isinstance(doc, dict):
            return doc
        out = {k: self.reshape(v) for k, v in doc.items() if k not in self.drop_fields}
        if self.extra_fields:
            out["sandbox_unknown_field"] = {"added_in": "a later API version"}
        return out

    def break_records(self, doc: object) -> object:
        """The document with the chosen records' timestamps made unreadable, on any platform's wire format.

        A record is an object with an id (a Reddit fullname, a Bluesky uri, or an id); its timestamps are its
        own time fields and those of its id-less children (Bluesky's record, YouTube's snippet), so no
        fallback time survives.
        """
        if isinstance(doc, list):
            return [self.break_records(v) for v in doc]
        if not isinstance(doc, dict):
            return doc
        out = {k: self.break_records(v) for k, v in doc.items()}
        rid = next((out[k] for k in ("name", "uri", "id") if isinstance(out.get(k), str | int)), None)
        if rid is not None and self.breaks_record(str(rid)):
            out = _without_times(out)
            for key, child in out.items():
                if isinstance(child, dict) and not any(k in child for k in ("id", "uri", "name")):
                    out[key] = _without_times(child)
        return out

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


TIME_KEYS = ("created_at", "createdAt", "created_time", "created_utc", "publishedAt", "indexedAt")


def _without_times(record: dict) -> dict:
    return {k: "not a timestamp" if k in TIME_KEYS else v for k, v in record.items()}
