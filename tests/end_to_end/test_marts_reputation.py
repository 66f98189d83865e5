"""The reputation marts against the sandbox's own World, after history_run (2026-10-19..11-18, over first_run's
2026-11-16..18).

1. Bad buzz. Each platform's World has its own bad-buzz calendar (`world.generator.is_bad_buzz(bid, day)`).
   Every such day of a brand in the history range whose platform was ingested that day AND on each of the 7
   days before is alerted in `reputation.fct_bad_buzz_alerts`, and no other day of any brand is (velora's
   2026-11-04 is a bad-buzz day on Mastodon and on X; X's 7-day search never reached it, so X has no row with
   data and no alert).
2. Sentiment counts. `reputation.fct_sentiment_daily`'s mentions and comments per sentiment, for every brand,
   platform and ingested day, equal the World's statuses scored independently: mentions are the top-level
   statuses naming the brand that day (on Facebook only those tagging a tracked Page, the only ones its API
   shows), comments the members' statuses in threads under the brand's posts. Each is scored with
   assets.ingest.sentiment.score on its text as the platform serves it (Mastodon: its HTML read back with
   records.html_to_text; Reddit: u/name; Facebook: people by display name; others: the plain text) and with
   the language the platform reports (none on Reddit, Facebook and YouTube comments: detected then).
   The classifier's agreement with the World's own labels is printed (run with -s) and must stay plausible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from assets.ingest.records import html_to_text
from assets.ingest.sentiment import score
from sandbox.mastodon_json import content_html
from sandbox.reddit_api import text_of
from sandbox.texts import Mention, Tag
from tests.end_to_end.conftest import FIRST, HISTORY_FIRST, HISTORY_LAST, LAST, NOW

pytestmark = pytest.mark.e2e
ONE_DAY = dt.timedelta(days=1)
X_EARLIEST = NOW - dt.timedelta(days=7)  # X's recent search: a day starting earlier is never fetched
LABELS = ("positive", "neutral", "negative")


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + ONE_DAY * i for i in range((last - first).days + 1)]


def seen_days(platform: str) -> set[dt.date]:
    """The UTC days whose mentions and comments the pipeline holds after first_run and history_run."""
    ingested = days(HISTORY_FIRST, HISTORY_LAST) + days(FIRST, LAST)
    if platform != "x":
        return set(ingested)
    return {d for d in ingested if dt.datetime.combine(d, dt.time(), dt.UTC) >= X_EARLIEST}


def served_text(platform: str, st) -> str:
    """The status's text as the platform's API serves it, once the connector has read it."""
    if platform == "mastodon":
        return html_to_text(content_html(st, "https://sandbox.example"))
    if platform == "reddit":
        return text_of(st)
    if platform == "facebook":
        parts = []
        for seg in st.segments:
            if isinstance(seg, Mention):
                parts.append(seg.account.display_name)
            elif isinstance(seg, Tag):
                parts.append("#" + seg.name)
            else:
                parts.append(seg)
        return "".join(parts)
    return st.text


def served_lang(platform: str, item_type: str, st) -> str | None:
    """The language the platform reports: Reddit and Facebook report none, YouTube none on comments."""
    if platform in ("reddit", "facebook") or (platform == "youtube" and item_type == "comment"):
        return None
    return st.lang


def expected_items(platform: str, world, day: dt.date):
    """(item_type, brand id, status) for the day's mentions and members' comments the pipeline can see."""
    pages = {a.id for a in world.brand_accounts.values()}
    for st in world.statuses_on(day):
        if st.parent is None and st.named:
            if platform == "facebook" and not any(a.id in pages for a in st.mentions):
                continue
            for bid in st.named:
                yield "mention", bid, st
        elif st.root is not None and st.account.brand_id is None:
            yield "comment", st.root.account.brand_id, st


def test_bad_buzz_days_are_alerted_and_no_other_day_is(pipeline, history_run):
    with pipeline.published() as con:
        rows = con.execute(
            "select platform, brand_id, date, negative_mentions, history_days, is_alert "
            "from reputation.fct_bad_buzz_alerts where date between ? and ?",
            [HISTORY_FIRST, HISTORY_LAST],
        ).fetchall()
    got = {(p, b, d): (n, h, a) for p, b, d, n, h, a in rows}
    brands = list(pipeline.worlds["mastodon"].config.brands)
    checked = 0
    for platform, world in pipeline.worlds.items():
        seen = seen_days(platform)
        for bid in brands:
            for day in days(HISTORY_FIRST, HISTORY_LAST):
                bad_buzz = world.generator.is_bad_buzz(bid, day)
                row = got.get((platform, bid, day))
                is_alert = bool(row and row[2])
                if is_alert:
                    assert bad_buzz, f"{platform} {bid} {day}: alerted without a sandbox bad buzz {row}"
                full_week = all(day - ONE_DAY * k in seen for k in range(8))
                if bad_buzz and full_week:
                    assert is_alert, f"{platform} {bid} {day}: bad buzz not alerted {row}"
                    checked += 1
    assert checked >= 5  # the history range holds several bad-buzz days with their trailing week
    # velora's bad buzz of 2026-11-04 on Mastodon is alerted; X's World has it too, but X never reached it.
    velora = dt.date(2026, 11, 4)
    assert pipeline.worlds["mastodon"].generator.is_bad_buzz("velora", velora)
    assert got["mastodon", "velora", velora][2] is True
    assert pipeline.worlds["x"].generator.is_bad_buzz("velora", velora)
    assert got.get(("x", "velora", velora), (0, 0, False))[2] is False


def test_sentiment_counts_equal_the_worlds_statuses_scored_independently(pipeline, history_run):
    with pipeline.published() as con:
        rows = con.execute(
            "select platform, brand_id, date, has_data, mentions_positive, mentions_neutral, mentions_negative,"
            " comments_positive, comments_neutral, comments_negative from reputation.fct_sentiment_daily"
        ).fetchall()
    got = {(p, b, d): (h, tuple(v)) for p, b, d, h, *v in rows}
    brands = list(pipeline.worlds["mastodon"].config.brands)
    agreement: dict[tuple[str, str], Counter] = {}
    compared = 0
    for platform, world in pipeline.worlds.items():
        seen = seen_days(platform)
        for day in days(HISTORY_FIRST, LAST):
            if day not in seen:
                for bid in brands:
                    row = got.get((platform, bid, day))
                    assert row is None or row == (False, (None,) * 6), (platform, bid, day, row)
                continue
            counts: Counter = Counter()
            for item_type, bid, st in expected_items(platform, world, day):
                label = score(served_text(platform, st), served_lang(platform, item_type, st))[0]
                counts[bid, item_type, label] += 1
                tally = agreement.setdefault((platform, item_type), Counter())
                tally["agree" if label == st.sentiment else "disagree"] += 1
            for bid in brands:
                want = tuple(counts[bid, t, label] for t in ("mention", "comment") for label in LABELS)
                assert got[platform, bid, day] == (True, want), (platform, bid, day)
                compared += sum(want)
    assert compared > 10_000

    print("\nclassifier vs the World's labels (share of items whose label agrees):")
    for (platform, item_type), tally in sorted(agreement.items()):
        print(
            f"  {platform:9s} {item_type:8s} {tally['agree'] / sum(tally.values()):.1%} of {sum(tally.values())}"
        )
    mentions = sum((t for (_, kind), t in agreement.items() if kind == "mention"), Counter())
    share = mentions["agree"] / sum(mentions.values())
    print(f"  all mentions: {share:.1%}")
    # VADER on the sandbox's templates agrees about 3 times in 4 (docs/sentiment/accuracy.md); far less
    # would mean the scoring broke, not that the World changed its mind.
    assert share > 0.6
