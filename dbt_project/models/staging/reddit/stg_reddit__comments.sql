{{ stage_comments('reddit') }}
