"""The dbt exposures name exactly the marts each dashboard reads: lineage that cannot drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from assets.publish import dashboard
from assets.publish.warehouse import MART_SCHEMAS

MANIFEST = Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"


def _tables_read(source: str) -> set[str]:
    pattern = rf"\b(?:{'|'.join(MART_SCHEMAS)})\.(\w+)"
    return set(re.findall(pattern, source))


def test_the_community_overview_exposure_lists_the_marts_the_dashboard_reads():
    manifest = json.loads(MANIFEST.read_text())
    exposure = manifest["exposures"]["exposure.social.community_overview"]
    declared = {manifest["nodes"][uid]["name"] for uid in exposure["depends_on"]["nodes"]}
    read = _tables_read(Path(dashboard.__file__).read_text())
    assert read, "the dashboard reads no mart: the pattern is out of date"
    assert declared == read
