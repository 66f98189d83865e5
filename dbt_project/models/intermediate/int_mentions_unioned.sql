{{ union_platforms('mentions', [
    'platform', 'mention_id', 'brand_id', 'match_type', 'matched_term', 'author_id', 'author_followers',
    'created_at', 'created_date', 'mention_text', 'lang',
    'sentiment', 'sentiment_score', 'sentiment_lang', 'mention_url', 'hashtags',
    'like_count', 'share_count', 'reply_count', 'ingested_at', 'partition_date',
]) }}
