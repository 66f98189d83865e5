from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assets.brand_config import BrandConfigError, load_brand_config, parse_brand_config

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_configuration_loads():
    cfg = load_brand_config(REPO / "brands.yaml")
    assert {b.brand_id for b in cfg.clients} == {"brewbean", "velora"}
    assert cfg.competitive_groups()["brewbean"] == ("brewbean", "roastco", "kaffeeklub")
    assert cfg.brands["brewbean"].business_hours.start == dt.time(8, 0)
    assert cfg.brands["velora"].sla_hours == 8.0
    assert all(c.start <= c.end for c in cfg.campaigns)
    assert cfg.accounts_on("mastodon")["kaffeeklub"] == "kaffeeklub"


def base(**brand) -> dict:
    return {"brands": {"acme": {"accounts": {"mastodon": "acme"}, **brand}}}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (base(competitors=["ghost"]), "brand 'acme': competitor 'ghost' is not a configured brand"),
        (base(timezone="Mars/Olympus"), "brand 'acme': timezone: unknown timezone 'Mars/Olympus'"),
        (base(sla_hours=-2), "brand 'acme': sla_hours must be a positive number of hours, got -2"),
        (base(accounts={"myspace": "x"}), "brand 'acme': accounts: unknown platform 'myspace'"),
        (
            base(business_hours={"days": ["mon"], "start": "18:00", "end": "09:00"}),
            "end 09:00:00 must be after start",
        ),
        (base(colour="red"), "brand 'acme': unknown field(s) ['colour']"),
        ({"brands": {"Acme Inc": {"keywords": ["acme"]}}}, "brand ids are lower-case"),
        (
            {
                **base(),
                "campaigns": [
                    {
                        "name": "c1",
                        "brand": "acme",
                        "hashtags": ["x"],
                        "start": "2026-02-01",
                        "end": "2026-01-01",
                    }
                ],
            },
            "campaigns[0] (c1): end 2026-01-01 is before start",
        ),
        ({"brands": {}}, "'brands' must be a non-empty mapping"),
    ],
)
def test_errors_name_the_brand_and_the_field(doc, message):
    with pytest.raises(BrandConfigError) as err:
        parse_brand_config(doc, source="brands.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("brands.yaml")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(BrandConfigError, match="brand configuration file not found"):
        load_brand_config(tmp_path / "nope.yaml")
