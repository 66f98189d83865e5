{{ stage_posts('mastodon') }}
