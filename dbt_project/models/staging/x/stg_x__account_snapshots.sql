{{ stage_account_snapshots('x') }}
