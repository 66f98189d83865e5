"""Sentiment of a member's text, French or English, offline: VADER (English) and its French port.

Scored once, where canonical records become raw rows (raw_writer.write_partition), so every platform's
comments and mentions carry `sentiment` (positive | neutral | negative), `sentiment_score` (VADER's
compound score in [-1, 1]) and `sentiment_lang` (the language whose lexicon scored the text).

Libraries: vaderSentiment (English VADER), vaderSentiment-fr (a French port of VADER) and py3langid
(language identification, restricted here to English and French). All run offline from their packaged
lexicons and model. Their accuracy on a hand-labelled sample and on the sandbox's texts is in
docs/sentiment/accuracy.md; re-run it with `python -m assets.ingest.sentiment evaluate`.
"""

from __future__ import annotations

import csv
import re
import sys
import warnings
from collections import Counter
from functools import cache
from pathlib import Path

LABELS = ("positive", "neutral", "negative")
LANGS = ("en", "fr")
POSITIVE_AT = 0.05  # VADER's usual thresholds on the compound score
NEGATIVE_AT = -0.05

# URLs are stripped because their path words ("/great-deals/", "/bad-request") would be scored as if the
# author had written them, and their letters drag the language identifier towards English. @handles are
# stripped for the same reasons: a handle such as @happybikes or @sadcoffee is a name, not an opinion.
# Hashtags stay (without the '#', which VADER ignores): #boycott or #love are the author's words.
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.\-]+(?:@[\w.\-]+)?")
_SPACES = re.compile(r"\s+")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "sentiment" / "labelled_sample.csv"
ACCURACY = ROOT / "docs" / "sentiment" / "accuracy.md"


def clean(text: str) -> str:
    """The text as scored: URLs and @handles removed, whitespace collapsed."""
    return _SPACES.sub(" ", _HANDLE.sub(" ", _URL.sub(" ", text))).strip()


@cache
def _identifier():
    # Our own instance restricted to en/fr, so py3langid's module-level identifier is left untouched.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGS))
    return ident


@cache
def _analyzer(lang: str):
    if lang == "fr":
        with warnings.catch_warnings():
            # fuzzywuzzy (pulled by vaderSentiment-fr) warns when python-Levenshtein is missing; the
            # `levenshtein` package provides it, and the warning would only be noise if it ever came back.
            warnings.simplefilter("ignore", UserWarning)
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def detect_language(text: str) -> str:
    """'en' or 'fr', whichever py3langid finds more likely (restricted to those two)."""
    return _identifier().classify(text)[0]


def _declared(lang: str | None) -> str | None:
    """'en' or 'fr' when the platform's language tag says so ('en', 'en-US', 'fr_FR', 'FR'), else None."""
    if not lang:
        return None
    head = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return head if head in LANGS else None


def label_of(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def score(text: str | None, lang: str | None = None) -> tuple[str | None, float | None, str | None]:
    """(label, compound score in [-1, 1], language used) for one text.

    The record's own language is used when it is English or French; otherwise (missing, 'und', another
    language) the language is detected among en/fr. No text (NULL or '') gives (None, None, None).
    A text that is only blanks, a URL or a handle has nothing to score: neutral, 0.0.
    """
    if not text:
        return None, None, None
    cleaned = clean(text)
    used = _declared(lang) or (detect_language(cleaned) if cleaned else "en")
    if not cleaned:
        return "neutral", 0.0, used
    compound = float(_analyzer(used).polarity_scores(cleaned)["compound"])
    compound = max(-1.0, min(1.0, compound))
    return label_of(compound), compound, used


def enrich(records: list[dict]) -> None:
    """Set sentiment, sentiment_score and sentiment_lang on canonical comment or mention records."""
    for rec in records:
        rec["sentiment"], rec["sentiment_score"], rec["sentiment_lang"] = score(
            rec.get("text"), rec.get("lang")
        )


# -- evaluation ------------------------------------------------------------------------------------------


def _sandbox_texts() -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """(source, lang, label, text) of the sandbox's labelled templates, placeholders filled, and the
    (lang, text) of its campaign mentions, which carry no label of their own (see below)."""
    from sandbox import texts as t

    fills = {"b": "Velora", "c": "PedalPro"}

    def fill(template: str) -> str:
        return template.format(**fills)

    labelled = []
    for name in ("COMMENTS", "MENTIONS", "COMPARISONS"):
        for (lang, label), templates in getattr(t, name).items():
            labelled += [(name, lang, label, fill(x)) for x in templates]
    for lang, templates in t.BAD_BUZZ.items():
        labelled += [("BAD_BUZZ", lang, "negative", fill(x)) for x in templates]
    # The World labels each campaign mention positive (70 %) or neutral (30 %) at random, whatever its
    # template says: those texts have no label to be accurate against.
    campaign = [(lang, fill(x)) for lang, templates in t.CAMPAIGN_MENTIONS.items() for x in templates]
    return labelled, campaign


def read_sample(path: Path = SAMPLE) -> list[tuple[str, str, str]]:
    """(lang, label, text) rows of the labelled sample (lines starting with '#' are comments)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return [(r["lang"], r["label"], r["text"]) for r in rows]


def _figures(items: list[tuple[str, str, str]]) -> dict:
    """Accuracy per language and overall, and the confusion matrix, of (lang, label, text) items."""
    per_lang: dict[str, list[int]] = {}
    confusion: Counter = Counter()
    for lang, truth, text in items:
        predicted = score(text, lang)[0]
        confusion[(truth, predicted)] += 1
        hits = per_lang.setdefault(lang, [0, 0])
        hits[0] += predicted == truth
        hits[1] += 1
    right, total = sum(h[0] for h in per_lang.values()), sum(h[1] for h in per_lang.values())
    return {
        "per_lang": {k: (h[0], h[1]) for k, h in sorted(per_lang.items())},
        "overall": (right, total),
        "confusion": confusion,
    }


def evaluate(sample: Path = SAMPLE) -> dict:
    labelled, campaign = _sandbox_texts()
    sandbox_items = [(lang, label, text) for _, lang, label, text in labelled]
    by_source: dict[str, list] = {}
    for source, lang, label, text in labelled:
        by_source.setdefault(source, []).append((lang, label, text))
    return {
        "sample": _figures(read_sample(sample)),
        "sandbox": _figures(sandbox_items),
        "sandbox_by_source": {k: _figures(v) for k, v in by_source.items()},
        "campaign": [(lang, text, score(text, lang)[0]) for lang, text in campaign],
        # Whether the language identifier alone (ignoring the declared language) finds the sample's.
        "langid": Counter(
            (lang, detect_language(clean(text))) for lang, _, text in read_sample(sample) if clean(text)
        ),
    }


def _pct(hits: tuple[int, int]) -> str:
    right, total = hits
    return f"{100.0 * right / total:.1f} % ({right}/{total})" if total else "n/a"


def _confusion_table(confusion: Counter) -> list[str]:
    out = ["| true \\ predicted | " + " | ".join(LABELS) + " |", "| --- |" + " ---: |" * len(LABELS)]
    for truth in LABELS:
        out.append(f"| {truth} | " + " | ".join(str(confusion[(truth, p)]) for p in LABELS) + " |")
    return out


def render(results: dict) -> str:
    s, b = results["sample"], results["sandbox"]
    lines = [
        "# Sentiment accuracy",
        "",
        "Generated by `.venv/bin/python -m assets.ingest.sentiment evaluate` (do not edit by hand; a unit test",
        "checks that these figures match a fresh evaluation). Classifier: `assets/ingest/sentiment.py`",
        "(VADER for English, vaderSentiment-fr for French, compound >= 0.05 positive, <= -0.05 negative,",
        "URLs and @handles stripped first; the declared language is used, as the pipeline does).",
        "",
        "## Hand-labelled sample (`docs/sentiment/labelled_sample.csv`)",
        "",
        "| language | accuracy |",
        "| --- | --- |",
    ]
    lines += [f"| {lang} | {_pct(h)} |" for lang, h in s["per_lang"].items()]
    lines += [f"| overall | {_pct(s['overall'])} |", "", "Confusion matrix (rows: hand label):", ""]
    lines += _confusion_table(s["confusion"])
    lines += [
        "",
        "## The sandbox's own labelled texts (`sandbox/texts.py`)",
        "",
        "COMMENTS, MENTIONS and COMPARISONS (keyed by language and sentiment) and BAD_BUZZ (negative), with",
        "{b} = Velora and {c} = PedalPro. Each template counts once (the World draws them with repetition).",
        "",
        "| language | accuracy |",
        "| --- | --- |",
    ]
    lines += [f"| {lang} | {_pct(h)} |" for lang, h in b["per_lang"].items()]
    lines += [f"| overall | {_pct(b['overall'])} |", "", "| source | accuracy |", "| --- | --- |"]
    lines += [f"| {src} | {_pct(f['overall'])} |" for src, f in sorted(results["sandbox_by_source"].items())]
    lines += ["", "Confusion matrix (rows: the sandbox's label):", ""]
    lines += _confusion_table(b["confusion"])
    lines += [
        "",
        "CAMPAIGN_MENTIONS have no label of their own (the World calls each one positive or neutral at",
        "random, 70/30, whatever the text), so they are not scored for accuracy. The classifier says:",
        "",
    ]
    lines += [f"- ({lang}) {text} -> {label}" for lang, text, label in results["campaign"]]
    lines += [
        "",
        "## Language identification on the sample",
        "",
        "py3langid restricted to en/fr, ignoring the declared language (used only when a record's own",
        "language is missing or neither en nor fr):",
        "",
        "| declared | detected en | detected fr |",
        "| --- | ---: | ---: |",
    ]
    lid = results["langid"]
    lines += [f"| {lang} | {lid[(lang, 'en')]} | {lid[(lang, 'fr')]} |" for lang in LANGS]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] != ["evaluate"]:
        print("usage: python -m assets.ingest.sentiment evaluate", file=sys.stderr)
        return 2
    text = render(evaluate())
    ACCURACY.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
