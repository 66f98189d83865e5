{{ config(unique_key=['brand_id', 'platform', 'date', 'member_id']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Each brand's repeat fans per platform and UTC day: members of the public ranked by their positive
-- interactions (comments under the brand's posts and statuses naming it, sentiment 'positive') over
-- the trailing var('member_window_days') days, the day included. An advocate has at least two positive
-- interactions in the window; the top var('top_members') are kept. first_seen_at is the member's first
-- interaction with the brand on the platform since the first day in the lake.

{%- set window_days = var('member_window_days') | int %}
{%- set min_positive = 2 %}

with

days as (

    {{ days_in_range() }}

),

interactions as (

    select
        brand_id,
        platform,
        member_id,
        created_date,
        sentiment
    from {{ ref('int_member_interactions_unioned') }}
    where
        {{ in_partition_range('partition_date', lookback_days=window_days - 1) }}
        and {{ in_partition_range('created_date', lookback_days=window_days - 1) }}

),

first_seen as (

    select
        brand_id,
        platform,
        member_id,
        min(created_at) as first_seen_at
    from {{ ref('int_member_interactions_unioned') }}
    where {{ in_partition_range('partition_date', unbounded_start=true) }}
    group by brand_id, platform, member_id

),

windowed as (

    select
        interactions.brand_id,
        interactions.platform,
        days.date,
        interactions.member_id,
        count(case when interactions.sentiment = 'positive' then 1 end) as positive_interactions,
        count(*) as interactions
    from days
    inner join interactions
        on
            days.date >= interactions.created_date
            and cast({{ dbt.dateadd('day', -(window_days - 1), 'days.date') }} as date) <= interactions.created_date
    group by interactions.brand_id, interactions.platform, days.date, interactions.member_id

),

ranked as (

    select
        windowed.*,
        first_seen.first_seen_at,
        row_number() over (
            partition by windowed.brand_id, windowed.platform, windowed.date
            order by
                windowed.positive_interactions desc,
                windowed.interactions desc,
                first_seen.first_seen_at asc,
                windowed.member_id asc
        ) as advocate_rank
    from windowed
    left join first_seen
        on
            windowed.brand_id = first_seen.brand_id
            and windowed.platform = first_seen.platform
            and windowed.member_id = first_seen.member_id
    where windowed.positive_interactions >= {{ min_positive }}

)

select
    brand_id,
    platform,
    date,
    member_id,
    cast(positive_interactions as {{ dbt.type_bigint() }}) as positive_interactions,
    cast(interactions as {{ dbt.type_bigint() }}) as interactions,
    first_seen_at,
    cast(advocate_rank as {{ dbt.type_bigint() }}) as rank
from ranked
where advocate_rank <= {{ var('top_members') | int }}
