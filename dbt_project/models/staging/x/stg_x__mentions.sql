{{ stage_mentions('x') }}
