{{ config(unique_key=['brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- How fast and how fully each brand answers its members, per platform and UTC day the comments
-- arrived: one row per brand account and day of the range (0 comments on a quiet day), plus the
-- days of the care lookback before the range that hold comments (their answers may have arrived
-- since; the rows are replaced by key). Response times are those of fct_comment_responses: wall-clock
-- minutes, split by whether the comment arrived inside the brand's business hours, and business minutes.
-- The open backlog at the end of a day counts the comments of that day and of the lookback before it
-- still without an answer at the end of that day.

{%- set lookback = care_lookback_days() %}

with

days as (

    {{ days_in_range() }}

),

accounts as (

    select distinct
        brand_id,
        platform
    from {{ ref('int_brand_accounts_resolved') }}

),

all_responses as (

    -- twice the lookback: the open backlog of the earliest re-derived day reaches a lookback further back
    select *
    from {{ ref('fct_comment_responses') }}
    where {{ in_partition_range('date', lookback_days=2 * lookback) }}

),

responses as (

    select *
    from all_responses
    where {{ in_partition_range('date', lookback_days=lookback) }}

),

lookback_days as (

    -- days before the range whose comments were re-derived by fct_comment_responses in this run
    select distinct
        responses.brand_id,
        responses.platform,
        responses.date
    from responses
    where not ({{ in_partition_range('responses.date') }})
    {%- if replaces_whole_partitions() %}

    union

    -- an engine that overwrites whole date partitions (Spark's insert_overwrite) gets every account of
    -- such a day, or the accounts without comments that day would be lost from its partition
    select
        accounts.brand_id,
        accounts.platform,
        redone.date
    from accounts
    cross join (
        select distinct responses.date
        from responses
        where not ({{ in_partition_range('responses.date') }})
    ) as redone
    {%- endif %}

),

brand_days as (

    select
        accounts.brand_id,
        accounts.platform,
        days.date
    from accounts
    cross join days

    union all

    select
        brand_id,
        platform,
        date
    from lookback_days

),

daily as (

    -- means over exact decimals: the same rows give bit-identical figures whatever the order of summing
    select
        brand_id,
        platform,
        date,
        count(*) as member_comments,
        sum(case when is_answered then 1 else 0 end) as answered,
        avg(cast(response_minutes as decimal(28, 9))) as mean_response_minutes,
        {{ median_of('response_minutes') }} as median_response_minutes,
        avg(cast(case when arrived_in_business_hours then response_minutes end as decimal(28, 9)))
            as mean_response_minutes_in_hours,
        {{ median_of('case when arrived_in_business_hours then response_minutes end') }}
            as median_response_minutes_in_hours,
        avg(cast(case when not arrived_in_business_hours then response_minutes end as decimal(28, 9)))
            as mean_response_minutes_out_of_hours,
        {{ median_of('case when not arrived_in_business_hours then response_minutes end') }}
            as median_response_minutes_out_of_hours,
        avg(cast(response_business_minutes as decimal(28, 9))) as mean_response_business_minutes,
        {{ median_of('response_business_minutes') }} as median_response_business_minutes,
        sum(case when is_sla_breached then 1 else 0 end) as sla_breaches,
        sum(case when is_open and is_sla_breached then 1 else 0 end) as unanswered_beyond_sla
    from responses
    group by brand_id, platform, date

),

backlog as (

    -- comments received on the day or the lookback before it, not answered by the end of the day
    select
        brand_days.brand_id,
        brand_days.platform,
        brand_days.date,
        count(*) as open_backlog
    from brand_days
    inner join all_responses
        on
            brand_days.brand_id = all_responses.brand_id
            and brand_days.platform = all_responses.platform
            and brand_days.date >= all_responses.date
            and all_responses.date > cast({{ dbt.dateadd('day', -lookback, 'brand_days.date') }} as date)
            and (
                all_responses.first_reply_at is null
                or all_responses.first_reply_at
                >= cast({{ dbt.dateadd('day', 1, 'brand_days.date') }} as {{ dbt.type_timestamp() }})
            )
    group by brand_days.brand_id, brand_days.platform, brand_days.date

),

brand_settings as (

    select
        brand_id,
        sla_hours
    from {{ ref('stg_reference__brands') }}

)

select
    brand_days.brand_id,
    brand_days.platform,
    brand_days.date,
    cast(coalesce(daily.member_comments, 0) as {{ dbt.type_bigint() }}) as member_comments,
    cast(coalesce(daily.answered, 0) as {{ dbt.type_bigint() }}) as answered,
    {{ pct('daily.answered', 'daily.member_comments') }} as response_rate_pct,
    cast(daily.mean_response_minutes as {{ type_double() }}) as mean_response_minutes,
    cast(daily.median_response_minutes as {{ type_double() }}) as median_response_minutes,
    cast(daily.mean_response_minutes_in_hours as {{ type_double() }}) as mean_response_minutes_in_hours,
    cast(daily.median_response_minutes_in_hours as {{ type_double() }}) as median_response_minutes_in_hours,
    cast(daily.mean_response_minutes_out_of_hours as {{ type_double() }}) as mean_response_minutes_out_of_hours,
    cast(daily.median_response_minutes_out_of_hours as {{ type_double() }}) as median_response_minutes_out_of_hours,
    cast(daily.mean_response_business_minutes as {{ type_double() }}) as mean_response_business_minutes,
    cast(daily.median_response_business_minutes as {{ type_double() }}) as median_response_business_minutes,
    brand_settings.sla_hours,
    cast(
        case when brand_settings.sla_hours is not null then coalesce(daily.sla_breaches, 0) end
        as {{ dbt.type_bigint() }}
    ) as sla_breaches,
    cast(
        case when brand_settings.sla_hours is not null then coalesce(daily.unanswered_beyond_sla, 0) end
        as {{ dbt.type_bigint() }}
    ) as unanswered_beyond_sla,
    cast(coalesce(backlog.open_backlog, 0) as {{ dbt.type_bigint() }}) as open_backlog
from brand_days
left join daily
    on
        brand_days.brand_id = daily.brand_id
        and brand_days.platform = daily.platform
        and brand_days.date = daily.date
left join backlog
    on
        brand_days.brand_id = backlog.brand_id
        and brand_days.platform = backlog.platform
        and brand_days.date = backlog.date
left join brand_settings
    on brand_days.brand_id = brand_settings.brand_id
