{{ stage_mentions('bluesky') }}
