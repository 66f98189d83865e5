"""The dashboards: one static HTML page per area, built from the published warehouse only.

build(publish_dir)            every page into <publish_dir>/dashboards/<page>.html
PAGES                         the pages, in the order of their navigation
queries.ALL                   page -> query name -> SQL (what BI tools and the tests replay)
"""

from __future__ import annotations

from pathlib import Path

from . import audience, campaigns, community, competitors, customer_care, reputation
from .render import BRANDS_SQL, Page, build_page

PAGES: list[Page] = [m.PAGE for m in (community, customer_care, audience, competitors, reputation, campaigns)]
BY_SLUG: dict[str, Page] = {p.slug: p for p in PAGES}


def dashboards_dir(publish_dir: Path) -> Path:
    return publish_dir / "dashboards"


def page_path(publish_dir: Path, slug: str) -> Path:
    return dashboards_dir(publish_dir) / f"{BY_SLUG[slug].slug}.html"


def build(publish_dir: Path, slug: str) -> dict:
    """Build one page from the current publication; return what the asset records as metadata."""
    return build_page(BY_SLUG[slug], publish_dir, dashboards_dir(publish_dir), PAGES)


def build_all(publish_dir: Path) -> list[dict]:
    return [build(publish_dir, p.slug) for p in PAGES]


__all__ = ["BRANDS_SQL", "BY_SLUG", "PAGES", "Page", "build", "build_all", "dashboards_dir", "page_path"]
