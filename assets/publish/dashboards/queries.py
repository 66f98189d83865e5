"""Every query the dashboards run on the published warehouse, by page: what a BI tool would replay.

ALL[page][name] is the SQL; "brands" (the brand picker, clients first) is part of every page.
"""

from . import PAGES
from .render import BRANDS_SQL

ALL: dict[str, dict[str, str]] = {p.slug: {"brands": BRANDS_SQL, **p.queries} for p in PAGES}
