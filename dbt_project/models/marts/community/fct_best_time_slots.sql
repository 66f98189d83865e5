{{ config(materialized='table', partition_by=none) }}

-- When a brand's posts do best on each platform: one row per brand, platform, local weekday and local
-- hour (the brand's timezone) holding at least one post, over the whole history of fct_posts. A slot
-- is ranked only once it holds var('best_slot_min_posts') posts; thinner slots are shown, flagged
-- unreliable, with no rank.

with

posts as (

    select
        brand_id,
        platform,
        local_weekday,
        local_hour,
        engagements,
        engagement_rate_pct
    from {{ ref('fct_posts') }}

),

slots as (

    select
        brand_id,
        platform,
        local_weekday,
        local_hour,
        count(*) as posts,
        cast(avg(cast(engagements as decimal(28, 9))) as {{ type_double() }}) as mean_engagements,
        cast(avg(cast(engagement_rate_pct as decimal(28, 9))) as {{ type_double() }}) as mean_engagement_rate_pct
    from posts
    group by brand_id, platform, local_weekday, local_hour

),

flagged as (

    select
        *,
        posts >= {{ var('best_slot_min_posts') }} as is_reliable
    from slots

),

ranked as (

    select
        *,
        case
            when is_reliable then row_number() over (
                partition by brand_id, platform, is_reliable
                order by
                    mean_engagement_rate_pct desc nulls last,
                    mean_engagements desc nulls last,
                    local_weekday asc,
                    local_hour asc
            )
        end as slot_rank
    from flagged

)

select
    brand_id,
    platform,
    cast(local_weekday as integer) as local_weekday,
    case local_weekday
        when 1 then 'Monday'
        when 2 then 'Tuesday'
        when 3 then 'Wednesday'
        when 4 then 'Thursday'
        when 5 then 'Friday'
        when 6 then 'Saturday'
        when 7 then 'Sunday'
    end as local_weekday_name,
    cast(local_hour as integer) as local_hour,
    cast(posts as {{ dbt.type_bigint() }}) as posts,
    mean_engagements,
    mean_engagement_rate_pct,
    is_reliable,
    cast(slot_rank as integer) as slot_rank
from ranked
