{{ stage_posts('youtube') }}
