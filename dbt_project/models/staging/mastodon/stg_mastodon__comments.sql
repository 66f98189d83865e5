{{ stage_comments('mastodon') }}
