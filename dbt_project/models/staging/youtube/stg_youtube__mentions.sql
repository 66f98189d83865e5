{{ stage_mentions('youtube') }}
