{{ config(unique_key=['brand_id', 'platform', 'date', 'member_id']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- The members of the public with the widest reach who named each brand over the trailing
-- var('member_window_days') days (the day included), per platform and UTC day of the range: ranked by
-- reach (their largest follower count seen on those mentions), top var('top_members') kept. Platforms
-- that do not report an author's followers (reach unknown) have no rows.

{%- set window_days = var('member_window_days') | int %}

with

days as (

    {{ days_in_range() }}

),

mentions as (

    select
        brand_id,
        platform,
        member_id,
        created_date,
        author_followers,
        engagements
    from {{ ref('int_member_interactions_unioned') }}
    where
        interaction_type = 'mention'
        and {{ in_partition_range('partition_date', lookback_days=window_days - 1) }}
        and {{ in_partition_range('created_date', lookback_days=window_days - 1) }}

),

windowed as (

    select
        mentions.brand_id,
        mentions.platform,
        days.date,
        mentions.member_id,
        max(mentions.author_followers) as reach,
        count(*) as mentions,
        sum(mentions.engagements) as engagements
    from days
    inner join mentions
        on
            days.date >= mentions.created_date
            and cast({{ dbt.dateadd('day', -(window_days - 1), 'days.date') }} as date) <= mentions.created_date
    group by mentions.brand_id, mentions.platform, days.date, mentions.member_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by brand_id, platform, date
            order by reach desc, mentions desc, engagements desc, member_id asc
        ) as reach_rank
    from windowed
    where reach is not null

)

select
    brand_id,
    platform,
    date,
    member_id,
    cast(reach as {{ dbt.type_bigint() }}) as reach,
    cast(mentions as {{ dbt.type_bigint() }}) as mentions,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    cast(reach_rank as {{ dbt.type_bigint() }}) as rank
from ranked
where reach_rank <= {{ var('top_members') | int }}
