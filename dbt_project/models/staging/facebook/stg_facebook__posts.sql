{{ stage_posts('facebook') }}
