{{ stage_posts('bluesky') }}
