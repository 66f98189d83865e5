{{ union_platforms('comments', [
    'platform', 'comment_id', 'post_id', 'parent_id', 'brand_id', 'author_id', 'author_handle',
    'is_from_tracked_account', 'created_at', 'created_date', 'comment_text', 'lang',
    'sentiment', 'sentiment_score', 'sentiment_lang',
    'like_count', 'reply_count', 'ingested_at', 'partition_date',
]) }}
