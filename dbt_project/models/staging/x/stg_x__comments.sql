{{ stage_comments('x') }}
