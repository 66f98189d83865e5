"""A connector's fetch_<entity>_range against its per-day fetch_<entity>: the same records and quarantine for
every day, each day re-derivable from its own pages, from fewer requests."""

from __future__ import annotations

import datetime as dt


def assert_range_is_the_per_day_walks(per_day, ranged, entity: str, days: list[dt.date]) -> dict:
    """per_day and ranged: two connectors of one platform with their own HTTP clients (requests counted).
    The range is fetched first, then each day. Returns {day: (records, quarantined)} of the per-day walks."""
    parse = lambda c, pages, d: getattr(c, f"parse_{entity}")(pages, d)  # noqa: E731
    pages = getattr(ranged, f"fetch_{entity}_range")(days)
    wanted = {d: parse(per_day, getattr(per_day, f"fetch_{entity}")(d), d) for d in days}
    assert sorted(pages) == sorted(days)
    assert any(records for records, _bad in wanted.values()), f"no {entity} over the range: proves nothing"
    for d in days:
        records, bad = parse(ranged, pages[d], d)
        assert records == wanted[d][0], d
        assert sorted(map(str, bad)) == sorted(map(str, wanted[d][1])), d
        assert "account" in {p.kind for p in pages[d]}, d  # each day re-derivable on its own
    assert ranged.http.requests_made < per_day.http.requests_made / 2, (
        ranged.http.requests_made,
        per_day.http.requests_made,
    )
    return wanted
