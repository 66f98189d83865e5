"""Sentiment of comments and mentions: the real libraries (VADER, its French port, py3langid), no mocks."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from assets.ingest import sentiment
from assets.ingest.lake import Lake
from assets.ingest.raw_writer import write_partition


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("I love this coffee, the staff are great!", "en", "positive"),
        ("Worst delivery ever, my parcel is broken and nobody answers.", "en", "negative"),
        ("Is the shop open on Sunday?", "en", "neutral"),
        ("J'adore ce café, l'équipe est super !", "fr", "positive"),
        ("Service horrible, colis cassé, je suis vraiment déçue.", "fr", "negative"),
        ("Le magasin ferme à 19 h le samedi ?", "fr", "neutral"),
    ],
)
def test_english_and_french_examples(text, lang, label):
    got, compound, used = sentiment.score(text, lang)
    assert (got, used) == (label, lang)
    assert -1.0 <= compound <= 1.0


def test_the_declared_language_is_used_when_it_is_english_or_french():
    assert sentiment.score("Great!", "en-US")[2] == "en"
    assert sentiment.score("Super !", "FR_fr")[2] == "fr"
    # Declared French: French lexicon, even if the identifier would hesitate on so short a text.
    assert sentiment.score("ok", "fr")[2] == "fr"


@pytest.mark.parametrize("lang", [None, "", "und", "de", "zxx"])
def test_the_language_is_detected_among_en_fr_otherwise(lang):
    assert sentiment.score("Le service client ne répond jamais à mes messages, c'est nul.", lang)[2] == "fr"
    assert sentiment.score("The customer service never answers my messages, it is awful.", lang)[2] == "en"


def test_detection_leaves_py3langids_global_identifier_alone():
    import py3langid.langid as lid

    sentiment.detect_language("Bonjour tout le monde")
    # Our identifier is our own: the module-level one (if any) still knows every language.
    assert lid.classify("Guten Morgen, wie geht es dir heute?")[0] == "de"


@pytest.mark.parametrize("text", [None, ""])
def test_no_text_no_sentiment(text):
    assert sentiment.score(text, "en") == (None, None, None)


def test_a_text_that_is_only_blanks_a_link_or_a_handle_is_neutral():
    assert sentiment.score("   \n ", "fr") == ("neutral", 0.0, "fr")
    assert sentiment.score("https://example.com/best-amazing-deal", "en") == ("neutral", 0.0, "en")
    assert sentiment.score("@happybikes", None)[:2] == ("neutral", 0.0)


def test_urls_and_handles_are_stripped_before_scoring():
    assert sentiment.clean("Look @happy_bikes https://x.co/great-love-wins now www.best.com/x") == "Look now"
    # Words inside the URL or the handle would otherwise make a neutral text positive.
    assert sentiment.score("New shop hours https://example.com/great-love-amazing", "en")[0] == "neutral"
    assert sentiment.score("Parcel sent to @happy", "en")[0] == "neutral"
    # Hashtags are the author's words and stay.
    assert sentiment.score("Shopping today #love", "en")[0] == "positive"


def test_labels_follow_vaders_thresholds():
    assert sentiment.label_of(0.05) == "positive"
    assert sentiment.label_of(0.0499) == "neutral"
    assert sentiment.label_of(-0.05) == "negative"
    assert sentiment.label_of(-0.0499) == "neutral"


def test_raw_comments_and_mentions_carry_sentiment(tmp_path):
    t = dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)
    lake = Lake(str(tmp_path))
    base = {"platform": "mastodon", "post_id": "p", "parent_id": "p", "brand_id": "b", "author_id": "a"}
    write_partition(
        lake,
        "mastodon",
        "comments",
        t.date(),
        [
            {**base, "comment_id": "1", "created_at": t, "text": "Love it!", "lang": "en"},
            {**base, "comment_id": "2", "created_at": t, "text": "Nul, très déçu.", "lang": None},
            {**base, "comment_id": "3", "created_at": t, "text": None, "lang": "en"},
        ],
    )
    got = pq.read_table(f"{tmp_path}/raw/mastodon/comments/dt=2026-11-03/part-0.parquet").to_pylist()
    by_id = {r["comment_id"]: (r["sentiment"], r["sentiment_lang"]) for r in got}
    assert by_id == {"1": ("positive", "en"), "2": ("negative", "fr"), "3": (None, None)}
    assert all(r["sentiment_score"] is None or -1 <= r["sentiment_score"] <= 1 for r in got)

    write_partition(
        lake,
        "mastodon",
        "mentions",
        t.date(),
        [
            {
                "platform": "mastodon",
                "mention_id": "m",
                "matched_brand": "b",
                "match_type": "keyword",
                "author_id": "a",
                "created_at": t,
                "text": "Velora charged me twice, awful.",
                "lang": "en",
            }
        ],
    )
    m = pq.read_table(f"{tmp_path}/raw/mastodon/mentions/dt=2026-11-03/part-0.parquet").to_pylist()
    assert (m[0]["sentiment"], m[0]["sentiment_lang"]) == ("negative", "en")


def test_the_evaluation_runs_and_the_accuracy_file_matches_a_fresh_one():
    results = sentiment.evaluate()
    sample = results["sample"]
    assert set(sample["per_lang"]) == {"en", "fr"}
    assert all(total >= 120 for _, total in sample["per_lang"].values())
    assert sum(sample["confusion"].values()) == sample["overall"][1]
    assert results["sandbox"]["overall"][1] > 0
    assert sentiment.ACCURACY.read_text(encoding="utf-8") == sentiment.render(results), (
        "docs/sentiment/accuracy.md is stale: run `.venv/bin/python -m assets.ingest.sentiment evaluate`"
    )
