{{ stage_mentions('mastodon') }}
