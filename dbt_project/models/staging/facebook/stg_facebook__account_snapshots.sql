{{ stage_account_snapshots('facebook') }}
