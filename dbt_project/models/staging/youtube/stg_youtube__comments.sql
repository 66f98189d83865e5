{{ stage_comments('youtube') }}
