{{ stage_posts('reddit') }}
