"""The brand configuration that marketing edits (brands.yaml), parsed and validated.

Errors name the file, the brand or campaign and the field, so a typo is fixed in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLATFORMS = ("mastodon", "bluesky", "reddit", "x", "facebook", "youtube")
ROLES = ("client", "competitor")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class BrandConfigError(ValueError):
    """The brand configuration file is invalid; the message says where and why."""


@dataclass(frozen=True)
class BusinessHours:
    days: tuple[str, ...]
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Brand:
    brand_id: str
    name: str
    role: str
    timezone: str
    accounts: dict[str, str]
    keywords: tuple[str, ...]
    hashtags: tuple[str, ...]
    competitors: tuple[str, ...] = ()
    sla_hours: float | None = None
    business_hours: BusinessHours | None = None


@dataclass(frozen=True)
class Campaign:
    name: str
    brand_id: str
    hashtags: tuple[str, ...]
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class BrandConfig:
    brands: dict[str, Brand]
    campaigns: tuple[Campaign, ...] = ()
    source: str = field(default="", compare=False)
    default_timezone: str = "UTC"  # the agency's: when the daily run starts

    @property
    def clients(self) -> list[Brand]:
        return [b for b in self.brands.values() if b.role == "client"]

    def competitive_groups(self) -> dict[str, tuple[str, ...]]:
        """group id (the client's id) -> member brand ids, the client first."""
        return {c.brand_id: (c.brand_id, *c.competitors) for c in self.clients}

    def accounts_on(self, platform: str) -> dict[str, str]:
        """brand id -> account handle on that platform, for brands that have one."""
        return {b.brand_id: b.accounts[platform] for b in self.brands.values() if platform in b.accounts}


def load_brand_config(path: str | Path) -> BrandConfig:
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BrandConfigError(f"{path}: brand configuration file not found") from None
    except yaml.YAMLError as exc:
        raise BrandConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_brand_config(doc, source=str(path))


def parse_brand_config(doc: object, source: str = "<brands>") -> BrandConfig:
    if not isinstance(doc, dict):
        raise BrandConfigError(f"{source}: expected a mapping with 'brands' at the top level")
    default_tz = doc.get("default_timezone", "UTC")
    _zone(default_tz, f"{source}: default_timezone")
    raw_brands = doc.get("brands")
    if not isinstance(raw_brands, dict) or not raw_brands:
        raise BrandConfigError(f"{source}: 'brands' must be a non-empty mapping of brand id -> settings")
    brands = {
        bid: _brand(bid, spec, default_tz, f"{source}: brand '{bid}'") for bid, spec in raw_brands.items()
    }
    for b in brands.values():
        for comp in b.competitors:
            if comp not in brands:
                raise BrandConfigError(
                    f"{source}: brand '{b.brand_id}': competitor '{comp}' is not a configured brand"
                )
            if comp == b.brand_id:
                raise BrandConfigError(f"{source}: brand '{b.brand_id}' lists itself as a competitor")
    campaigns = tuple(
        _campaign(i, spec, brands, f"{source}: campaigns[{i}]")
        for i, spec in enumerate(doc.get("campaigns") or [])
    )
    names = [c.name for c in campaigns]
    if len(set(names)) != len(names):
        raise BrandConfigError(f"{source}: campaign names must be unique, got {names}")
    return BrandConfig(brands=brands, campaigns=campaigns, source=source, default_timezone=default_tz)


def _brand(bid: object, spec: object, default_tz: str, where: str) -> Brand:
    if not isinstance(bid, str) or not _ID.match(bid):
        raise BrandConfigError(
            f"{where}: brand ids are lower-case letters, digits and '_', starting with a letter"
        )
    if not isinstance(spec, dict):
        raise BrandConfigError(f"{where}: expected a mapping of settings")
    unknown = set(spec) - {
        "name",
        "role",
        "competitors",
        "timezone",
        "sla_hours",
        "business_hours",
        "accounts",
        "keywords",
        "hashtags",
    }
    if unknown:
        raise BrandConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
    role = spec.get("role", "client")
    if role not in ROLES:
        raise BrandConfigError(f"{where}: role must be one of {ROLES}, got {role!r}")
    accounts = spec.get("accounts") or {}
    if not isinstance(accounts, dict):
        raise BrandConfigError(f"{where}: accounts must map platform -> handle")
    for platform, handle in accounts.items():
        if platform not in PLATFORMS:
            raise BrandConfigError(f"{where}: accounts: unknown platform {platform!r} (known: {PLATFORMS})")
        if not isinstance(handle, str) or not handle.strip():
            raise BrandConfigError(f"{where}: accounts.{platform} must be a non-empty handle")
    competitors = tuple(_strings(spec.get("competitors"), f"{where}: competitors"))
    if competitors and role != "client":
        raise BrandConfigError(f"{where}: only a client brand lists competitors")
    sla = spec.get("sla_hours")
    if sla is not None and (not isinstance(sla, int | float) or isinstance(sla, bool) or sla <= 0):
        raise BrandConfigError(f"{where}: sla_hours must be a positive number of hours, got {sla!r}")
    hashtags = tuple(h.lstrip("#") for h in _strings(spec.get("hashtags"), f"{where}: hashtags"))
    keywords = tuple(_strings(spec.get("keywords"), f"{where}: keywords"))
    if not (hashtags or keywords or accounts):
        raise BrandConfigError(f"{where}: needs at least one account, keyword or hashtag to be tracked")
    tz = spec.get("timezone", default_tz)
    _zone(tz, f"{where}: timezone")
    return Brand(
        brand_id=bid,
        name=str(spec.get("name") or bid),
        role=role,
        timezone=tz,
        accounts={p: h.strip().lstrip("@") for p, h in accounts.items()},
        keywords=keywords,
        hashtags=hashtags,
        competitors=competitors,
        sla_hours=float(sla) if sla is not None else None,
        business_hours=_business_hours(spec.get("business_hours"), f"{where}: business_hours"),
    )


def _business_hours(spec: object, where: str) -> BusinessHours | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise BrandConfigError(f"{where}: expected days, start and end")
    days = tuple(d.lower() for d in _strings(spec.get("days"), f"{where}.days"))
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise BrandConfigError(f"{where}.days: use {WEEKDAYS}, got {list(days)}")
    start, end = _time(spec.get("start"), f"{where}.start"), _time(spec.get("end"), f"{where}.end")
    if end <= start:
        raise BrandConfigError(f"{where}: end {end} must be after start {start}")
    return BusinessHours(days=days, start=start, end=end)


def _campaign(i: int, spec: object, brands: dict[str, Brand], where: str) -> Campaign:
    if not isinstance(spec, dict):
        raise BrandConfigError(f"{where}: expected name, brand, hashtags, start, end")
    name = spec.get("name")
    if not isinstance(name, str) or not _ID.match(name):
        raise BrandConfigError(f"{where}: name must be lower-case letters, digits and '_', got {name!r}")
    brand = spec.get("brand")
    if brand not in brands:
        raise BrandConfigError(f"{where} ({name}): brand {brand!r} is not a configured brand")
    start, end = (
        _date(spec.get("start"), f"{where} ({name}).start"),
        _date(spec.get("end"), f"{where} ({name}).end"),
    )
    if end < start:
        raise BrandConfigError(f"{where} ({name}): end {end} is before start {start}")
    hashtags = tuple(h.lstrip("#") for h in _strings(spec.get("hashtags"), f"{where} ({name}).hashtags"))
    if not hashtags:
        raise BrandConfigError(f"{where} ({name}): needs at least one hashtag")
    return Campaign(name=name, brand_id=brand, hashtags=hashtags, start=start, end=end)


def _strings(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BrandConfigError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return [v.strip() for v in value]


def _zone(name: object, where: str) -> None:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise BrandConfigError(f"{where}: unknown timezone {name!r}") from None


def _time(value: object, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise BrandConfigError(f"{where}: expected HH:MM, got {value!r}") from None


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BrandConfigError(f"{where}: expected YYYY-MM-DD, got {value!r}") from None
