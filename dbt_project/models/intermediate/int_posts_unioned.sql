{{ union_platforms('posts', [
    'platform', 'post_id', 'brand_id', 'account_id', 'account_handle', 'created_at', 'created_date',
    'post_type', 'is_top_level', 'post_text', 'lang', 'post_url', 'hashtags',
    'like_count', 'share_count', 'reply_count', 'view_count', 'ingested_at', 'partition_date',
]) }}
