{{ stage_account_snapshots('reddit') }}
