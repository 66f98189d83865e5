{{ stage_account_snapshots('youtube') }}
