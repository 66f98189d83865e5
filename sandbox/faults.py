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
    # A storm: a 429 or 5xx drawn for one request also answers the next storm_length - 1 requests the same
    # way (a platform refusing for a while, not one request in isolation).
    storm_length: int = 1
    # Not a per-request draw: this share of the records in every answer arrives broken (a timestamp that is
    # not one), chosen from the seed and the record's id, so the same records break on every request.
    malformed_records: float = 0.0
    # A type change, per record like malformed_records: this share of the records arrive with their integer
    # fields (counts, not times) as JSON strings ("12" for 12), as an API that changed a field's type does.
    retyped_records: float = 0.0
    # Applied by the server to every platform's answers (sandbox/server.py), independent of the draw above:
    rate_slow: float = 0.0  # this share of requests waits slow_seconds before answering (client timeouts)
    slow_seconds: float = 0.0
    rate_reset: float = 0.0  # this share of requests has its connection reset before any byte of the answer
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
        for name in ("malformed_records", "retyped_records"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")
        if self.storm_length < 1:
            raise ValueError(f"storm_length must be at least 1, got {self.storm_length}")

    def is_slow(self, request_number: int) -> bool:
        return self.rate_slow > 0 and stream(self.seed, "slow", request_number).random() < self.rate_slow

    def is_reset(self, request_number: int) -> bool:
        return self.rate_reset > 0 and stream(self.seed, "reset", request_number).random() < self.rate_reset

    @property
    def rewrites_records(self) -> bool:
        return self.malformed_records > 0 or self.retyped_records > 0

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
        """The document with the chosen records' timestamps made unreadable (malformed_records), or their
        integer fields turned into strings (retyped_records), on any platform's wire format.

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
            out = _own_fields(out, _without_times)
        elif rid is not None and self.retypes_record(str(rid)):
            out = _own_fields(out, _numbers_as_strings)
        return out

    def retypes_record(self, record_id: str) -> bool:
        """Whether this record is served with its integer fields as strings (see retyped_records)."""
        return (
            self.retyped_records > 0
            and stream(self.seed, "retyped", record_id).random() < self.retyped_records
        )

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
        for n in range(request_number, max(0, request_number - self.storm_length), -1):
            kind = self._drawn(n)
            if kind is not None and (n == request_number or kind != "truncated"):
                return kind  # a storm repeats refusals; a truncated body stays a one-off
        return None

    def _drawn(self, request_number: int) -> str | None:
        u = stream(self.seed, "fault", request_number).random()
        for kind in FAULT_KINDS:
            rate = getattr(self, f"rate_{kind}")
            if u < rate:
                return kind
            u -= rate
        return None


TIME_KEYS = ("created_at", "createdAt", "created_time", "created_utc", "publishedAt", "indexedAt")


def _own_fields(record: dict, change) -> dict:
    """The record changed, with its id-less children (Bluesky's record, YouTube's snippet and statistics,
    X's public_metrics): they are the record's own fields on the wire."""
    out = change(record)
    for key, child in out.items():
        if isinstance(child, dict) and not any(k in child for k in ("id", "uri", "name")):
            out[key] = change(child)
    return out


def _without_times(record: dict) -> dict:
    return {k: "not a timestamp" if k in TIME_KEYS else v for k, v in record.items()}


def _numbers_as_strings(record: dict) -> dict:
    return {
        k: str(v) if isinstance(v, int) and not isinstance(v, bool) and k not in TIME_KEYS else v
        for k, v in record.items()
    }
