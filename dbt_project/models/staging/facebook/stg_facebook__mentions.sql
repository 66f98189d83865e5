{{ stage_mentions('facebook') }}
