{{ stage_comments('facebook') }}
