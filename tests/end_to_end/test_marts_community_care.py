"""The community and customer-care marts against the sandbox's own World, after first_run (2026-11-16..18).

What is compared, per platform, brand and UTC day of first_run, with expected figures computed from the World
(the simulation's statuses, their parents and times), never from the pipeline's data:

1. Community. `community.fct_posts`: the brand's posts that day equal the World's posts by the brand's account
   (kind 'post'), and the top post of each brand, platform and day is one of its most engaged.
   `community.fct_best_time_slots`: the sample of every slot (brand, platform, local ISO weekday, local hour in
   the brand's timezone, read with zoneinfo) equals the World's posts of first_run's days in that slot (the
   warehouse then holds those days only: they are the slots' whole history).
2. Customer care. `customer_care.fct_customer_care_daily`:
   - member_comments: the World's member comments created that day that answer the brand's post directly
     (kind 'comment' whose parent is the thread's post);
   - answered: those with a reply by the brand (kind 'brand_reply', its parent the comment) created by the
     cut-off;
   - sla_breaches (brands with an SLA in brands.yaml; NULL for the others): answered after the SLA deadline, or
     unanswered while the deadline had passed at the cut-off; the deadline is the comment's time plus sla_hours
     of business time, by the sandbox's own add_business_hours with the brand's business hours and timezone.
   The pipeline's view is the lake first_run filled: its cut-off is the newest post or thread status it
   ingested for the platform. The World's cut-off is computed the same way from the World (the newest post or
   status in a brand's thread created on first_run's days) and checked against the mart's cutoff_at to the
   second (some platforms give times in whole seconds). Replies after the cut-off are not seen, so those
   comments count as unanswered here too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from assets.brand_config import load_brand_config
from sandbox.rhythms import DEFAULT_BUSINESS_HOURS, add_business_hours
from tests.end_to_end.conftest import FIRST, LAST, REPO

pytestmark = pytest.mark.e2e
CONFIG = load_brand_config(REPO / "brands.yaml")


def _days():
    day = FIRST
    while day <= LAST:
        yield day
        day += dt.timedelta(days=1)


def _world_posts(world):
    """Every brand's own posts in the World on first_run's days."""
    return [st for day in _days() for st in world.statuses_on(day) if st.kind == "post"]


def _world_cutoff_ms(world) -> int:
    """The newest post or status of a brand's thread the World shows on first_run's days."""
    return max(
        st.ms for day in _days() for st in world.statuses_on(day) if st.kind == "post" or st.root is not None
    )


def test_posts_and_best_time_slot_samples_equal_the_worlds_posts(pipeline, first_run):
    expected_daily, expected_slots = Counter(), Counter()
    for platform, world in pipeline.worlds.items():
        for st in _world_posts(world):
            bid = st.account.brand_id
            utc = dt.datetime.fromtimestamp(st.ms / 1000, dt.UTC)
            local = utc.astimezone(ZoneInfo(CONFIG.brands[bid].timezone))
            expected_daily[platform, bid, utc.date()] += 1
            expected_slots[platform, bid, local.isoweekday(), local.hour] += 1
    with pipeline.published() as con:
        daily = Counter(
            {
                (p, b, d): n
                for p, b, d, n in con.execute(
                    "select platform, brand_id, date, count(*) from community.fct_posts group by all"
                ).fetchall()
            }
        )
        slots = Counter(
            {
                (p, b, w, h): n
                for p, b, w, h, n in con.execute(
                    "select platform, brand_id, local_weekday, local_hour, posts "
                    "from community.fct_best_time_slots"
                ).fetchall()
            }
        )
        top = con.execute(
            "select platform, brand_id, date, max(engagements) filter (where is_top_post) = max(engagements), "
            "count(*) filter (where is_top_post) from community.fct_posts group by all"
        ).fetchall()
    assert {p for p, _, _ in expected_daily} == set(pipeline.worlds)
    assert sum(expected_daily.values()) > 100
    assert daily == expected_daily
    assert slots == expected_slots
    # a slot at 23:xx UTC in Paris is the next local day's 00:xx: some slots differ from the UTC weekday
    assert all(is_top and n == 1 for *_, is_top, n in top)


def _expected_care(world, cutoff_ms: int) -> dict[tuple, tuple]:
    """(brand, day) -> (member comments, answered by the cut-off, SLA breaches or None) from the World."""
    counts: dict[tuple, list] = {}
    for day in _days():
        for st in world.statuses_on(day):
            if st.kind != "comment" or st.parent is None or st.parent is not st.root:
                continue
            bid = st.root.account.brand_id
            brand = CONFIG.brands[bid]
            answers = [c.ms for c in st.children if c.kind == "brand_reply" and c.ms <= cutoff_ms]
            first = min(answers) if answers else None
            row = counts.setdefault((bid, day), [0, 0, 0 if brand.sla_hours else None])
            row[0] += 1
            row[1] += first is not None
            if brand.sla_hours:
                hours = brand.business_hours or DEFAULT_BUSINESS_HOURS
                deadline = add_business_hours(st.ms, brand.sla_hours, hours, ZoneInfo(brand.timezone))
                late = first > deadline if first is not None else cutoff_ms > deadline
                row[2] += late
    return {k: tuple(v) for k, v in counts.items()}


def test_member_comments_answers_and_sla_breaches_equal_the_worlds(pipeline, first_run):
    with pipeline.published() as con:
        cutoffs = dict(
            con.execute(
                "select platform, max(epoch_ms(cutoff_at)) from customer_care.fct_comment_responses group by all"
            ).fetchall()
        )
        rows = con.execute(
            "select platform, brand_id, date, member_comments, answered, sla_breaches, unanswered_beyond_sla "
            "from customer_care.fct_customer_care_daily where date between ? and ?",
            [FIRST, LAST],
        ).fetchall()
    assert set(cutoffs) == set(pipeline.worlds)
    got = {(p, b, d): (m, a, s) for p, b, d, m, a, s, _ in rows}
    breached_total = answered_total = comments_total = 0
    unanswered_beyond = sum(u or 0 for *_, u in rows)
    for platform, world in pipeline.worlds.items():
        cutoff_ms = _world_cutoff_ms(world)
        assert abs(cutoffs[platform] - cutoff_ms) < 1000, platform
        expected = _expected_care(world, cutoff_ms)
        for bid in CONFIG.brands:
            for day in _days():
                sla = 0 if CONFIG.brands[bid].sla_hours else None
                want = expected.get((bid, day), (0, 0, sla))
                assert got[platform, bid, day] == want, (platform, bid, day)
                comments_total += want[0]
                answered_total += want[1]
                breached_total += want[2] or 0
    # the sandbox answers most comments, some late, some never: all three show up
    assert comments_total > 500 and 0.3 < answered_total / comments_total < 0.95
    assert breached_total > 20 and unanswered_beyond > 0


def test_the_customer_care_suite_ran_as_a_blocking_check_on_the_days_of_the_run(pipeline, first_run):
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e for e in first_run.get_asset_check_evaluations()
    }
    e = evaluations[("warehouse/customer_care/fct_customer_care_daily", "gx_suite")]
    assert e.passed, e.metadata
    assert e.metadata["range"].value == f"{FIRST}..{LAST}"
    # every brand on every platform, every day of the run
    rows = len(CONFIG.brands) * len(pipeline.worlds) * ((LAST - FIRST).days + 1)
    assert e.metadata["rows"].value == {"mart_customer_care_daily": rows}
    assert e.metadata["expectations_evaluated"].value > 10
