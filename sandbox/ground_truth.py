"""What the world holds, counted straight from the simulation (not through HTTP), for tests and marts.

Rows are tidy: {brand_id, platform, day, entity, metric, value, group_id}. group_id is set only on
share-of-voice rows (the competitive group, i.e. the client's brand id) and is None elsewhere.

  posts             posts                  the brand's own top-level posts created that day
  comments          comments               replies in the brand's post threads created that day
                    comments_from_members  ... written by anyone but the brand
                    comments_from_brand    ... written by the brand itself
  mentions          mentions               statuses naming the brand (a status naming two brands counts
                                           for each; the brand's own statuses never count)
                    mentions_positive / mentions_neutral / mentions_negative   by the status's sentiment
                    bad_buzz               1 on the client's bad-buzz day (row only on that day)
  account_snapshots followers              followers at the end of the day (as of `now` for today)
  share_of_voice    share_of_voice         brand mentions / all mentions of the group's brands x 100
                                           (None when the group had no mention that day)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .generate import SENTIMENTS
from .world import World


def _row(
    platform: str,
    bid: str,
    day: dt.date,
    entity: str,
    metric: str,
    value: float | int | None,
    group_id: str | None = None,
) -> dict:
    return {
        "brand_id": bid,
        "platform": platform,
        "day": day.isoformat(),
        "entity": entity,
        "metric": metric,
        "value": value,
        "group_id": group_id,
    }


def ground_truth(world: World, start: dt.date, end: dt.date) -> list[dict]:
    """Rows for every day of [start, end] (inclusive) that lies within the world's life."""
    rows: list[dict] = []
    brands = list(world.config.brands)
    groups = world.config.competitive_groups()
    day = max(start, world.start)
    while day <= min(end, world.today):
        posts, comments, from_brand, mentions = Counter(), Counter(), Counter(), Counter()
        sentiment: Counter[tuple[str, str]] = Counter()
        for st in world.statuses_on(day):
            if st.kind == "post":
                posts[st.account.brand_id] += 1
            elif st.root is not None:
                owner = st.root.account.brand_id
                comments[owner] += 1
                from_brand[owner] += st.account.brand_id == owner
            for bid in st.named:
                mentions[bid] += 1
                sentiment[bid, st.sentiment or "neutral"] += 1
        for bid in brands:
            rows.append(_row(world.platform, bid, day, "posts", "posts", posts[bid]))
            rows.append(_row(world.platform, bid, day, "comments", "comments", comments[bid]))
            rows.append(
                _row(
                    world.platform,
                    bid,
                    day,
                    "comments",
                    "comments_from_members",
                    comments[bid] - from_brand[bid],
                )
            )
            rows.append(_row(world.platform, bid, day, "comments", "comments_from_brand", from_brand[bid]))
            rows.append(_row(world.platform, bid, day, "mentions", "mentions", mentions[bid]))
            for s in SENTIMENTS:
                rows.append(_row(world.platform, bid, day, "mentions", f"mentions_{s}", sentiment[bid, s]))
            if world.generator.is_bad_buzz(bid, day):
                rows.append(_row(world.platform, bid, day, "mentions", "bad_buzz", 1))
            if bid in world.brand_accounts:
                followers = (
                    world.followers_at(bid, world.now_ms)
                    if day == world.today
                    else world.followers_end_of_day(bid, day)
                )
                rows.append(_row(world.platform, bid, day, "account_snapshots", "followers", followers))
        for group_id, members in groups.items():
            total = sum(mentions[b] for b in members)
            for bid in members:
                share = 100.0 * mentions[bid] / total if total else None
                rows.append(
                    _row(world.platform, bid, day, "share_of_voice", "share_of_voice", share, group_id)
                )
        day += dt.timedelta(days=1)
    return rows
