-- Within a group, platform and day with any mention, the members' shares of voice add up to 100 %.
-- Fails with the group-days whose shares do not (beyond a rounding tolerance of 0.01).

select
    group_id,
    platform,
    date,
    sum(share_of_voice_pct) as total_share_of_voice_pct
from {{ ref('fct_share_of_voice_daily') }}
where group_mentions > 0
group by group_id, platform, date
having
    sum(share_of_voice_pct) is null
    or abs(sum(share_of_voice_pct) - 100) > 0.01
