{{ stage_posts('x') }}
