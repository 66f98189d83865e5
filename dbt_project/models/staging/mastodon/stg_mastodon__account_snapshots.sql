{{ stage_account_snapshots('mastodon') }}
