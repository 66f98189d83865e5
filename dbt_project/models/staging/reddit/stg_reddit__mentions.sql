{{ stage_mentions('reddit') }}
