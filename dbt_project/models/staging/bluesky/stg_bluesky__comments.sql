{{ stage_comments('bluesky') }}
