{{ union_platforms('account_snapshots', [
    'platform', 'account_id', 'brand_id', 'account_handle', 'snapshot_date', 'observed_at',
    'followers', 'following', 'posts_count', 'ingested_at', 'partition_date',
]) }}
