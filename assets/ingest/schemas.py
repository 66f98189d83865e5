"""Canonical raw columns per entity (ARCHITECTURE.md, "Entities").

Every platform's connector maps onto these; dbt's sources read them. Times are UTC, ids are strings,
and a metric the platform does not report is NULL, never 0. The day partition column `dt` is not stored
in the files: it is the Hive folder name (dt=YYYY-MM-DD).
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

# Set by the raw writer (assets/ingest/sentiment.py), never by a connector: NULL when there is no text.
SENTIMENT_COLUMNS = [
    ("sentiment", pa.string()),  # positive | neutral | negative
    ("sentiment_score", pa.float64()),  # VADER compound score in [-1, 1]
    ("sentiment_lang", pa.string()),  # en | fr: the lexicon that scored the text
]
# The entities whose texts are scored.
SCORED_ENTITIES = ("comments", "mentions")

POSTS = pa.schema(
    [
        ("platform", pa.string()),
        ("post_id", pa.string()),
        ("brand_id", pa.string()),
        ("account_id", pa.string()),
        ("account_handle", pa.string()),
        ("created_at", TS),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("url", pa.string()),
        ("post_type", pa.string()),  # post | reply | repost | quote
        ("hashtags", pa.list_(pa.string())),
        ("like_count", pa.int64()),
        ("share_count", pa.int64()),
        ("reply_count", pa.int64()),
        ("view_count", pa.int64()),
        ("ingested_at", TS),
    ]
)

COMMENTS = pa.schema(
    [
        ("platform", pa.string()),
        ("comment_id", pa.string()),
        ("post_id", pa.string()),  # the tracked account's post at the root of the thread
        ("parent_id", pa.string()),  # the post or comment this one answers
        ("brand_id", pa.string()),  # owner of the root post
        ("author_id", pa.string()),
        ("author_handle", pa.string()),
        ("is_from_tracked_account", pa.bool_()),
        ("created_at", TS),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("like_count", pa.int64()),
        ("reply_count", pa.int64()),
        *SENTIMENT_COLUMNS,
        ("ingested_at", TS),
    ]
)

MENTIONS = pa.schema(
    [
        ("platform", pa.string()),
        ("mention_id", pa.string()),
        ("matched_brand", pa.string()),
        ("match_type", pa.string()),  # handle | hashtag | keyword
        ("matched_term", pa.string()),
        ("author_id", pa.string()),
        ("author_handle", pa.string()),
        ("author_followers", pa.int64()),
        ("created_at", TS),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("url", pa.string()),
        ("hashtags", pa.list_(pa.string())),
        ("like_count", pa.int64()),
        ("share_count", pa.int64()),
        ("reply_count", pa.int64()),
        *SENTIMENT_COLUMNS,
        ("ingested_at", TS),
    ]
)

ACCOUNT_SNAPSHOTS = pa.schema(
    [
        ("platform", pa.string()),
        ("account_id", pa.string()),
        ("brand_id", pa.string()),
        ("account_handle", pa.string()),
        ("snapshot_date", pa.date32()),
        ("observed_at", TS),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("posts_count", pa.int64()),
        ("ingested_at", TS),
    ]
)

# Rows that failed record-level validation, kept with the reason so nothing is silently lost.
QUARANTINE = pa.schema(
    [
        ("platform", pa.string()),
        ("entity", pa.string()),
        ("record_id", pa.string()),
        ("reason", pa.string()),
        ("record", pa.string()),  # the offending record as JSON text, as received
        ("source_url", pa.string()),
        ("ingested_at", TS),
    ]
)

ENTITY_SCHEMAS: dict[str, pa.Schema] = {
    "posts": POSTS,
    "comments": COMMENTS,
    "mentions": MENTIONS,
    "account_snapshots": ACCOUNT_SNAPSHOTS,
}

# The columns that identify one record of an entity inside its partition.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "post_id"),
    "comments": ("platform", "comment_id"),
    "mentions": ("platform", "mention_id", "matched_brand"),
    "account_snapshots": ("platform", "account_id", "snapshot_date"),
}

# The timestamp that places a record in its day partition.
ENTITY_TIME: dict[str, str] = {
    "posts": "created_at",
    "comments": "created_at",
    "mentions": "created_at",
    "account_snapshots": "snapshot_date",
}
