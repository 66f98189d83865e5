{{ stage_account_snapshots('bluesky') }}
