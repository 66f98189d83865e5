{{ config(unique_key=['brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Bad-buzz alerts per brand, platform and UTC day: the day's negative mentions against the mean of the
-- 7 days before. Only the days of those 7 on which the platform returned any mention (of any tracked
-- brand) count in the mean: such a day was observed, so a brand without negative mentions that day
-- really had 0; a day without a single mention on the platform was most likely never ingested (X's
-- search reaches 7 days back) and counting it as 0 would lower the baseline and raise false alerts.
-- Without any observed day in the window there is no baseline and no alert. A day alerts when
-- negative_mentions > var('bad_buzz_k') x the mean AND negative_mentions >= var('bad_buzz_min_negative').

{%- set k = var('bad_buzz_k') %}
{%- set min_negative = var('bad_buzz_min_negative') %}

with

days as (

    {{ days_in_range() }}

),

brands as (

    select brand_id
    from {{ ref('stg_reference__brands') }}

),

mentions as (

    -- the range and the 7 days before it, for the trailing mean
    select
        brand_id,
        platform,
        created_date as date,
        sentiment
    from {{ ref('int_mentions_unioned') }}
    where
        {{ in_partition_range('partition_date', lookback_days=7) }}
        and {{ in_partition_range('created_date', lookback_days=7) }}

),

platforms as (

    select distinct platform
    from {{ ref('int_mentions_unioned') }}

),

observed_days as (

    select distinct
        platform,
        date
    from mentions

),

negatives as (

    select
        brand_id,
        platform,
        date,
        count(*) as negative_mentions
    from mentions
    where sentiment = 'negative'
    group by brand_id, platform, date

),

grid as (

    select
        brands.brand_id,
        platforms.platform,
        days.date
    from brands
    cross join platforms
    cross join days

),

history as (

    select
        grid.brand_id,
        grid.platform,
        grid.date,
        count(observed_days.date) as history_days,
        avg(case when observed_days.date is not null then coalesce(negatives.negative_mentions, 0) end)
            as trailing_7d_avg_negative
    from grid
    left join observed_days
        on
            grid.platform = observed_days.platform
            and grid.date > observed_days.date
            and cast({{ dbt.dateadd('day', -7, 'grid.date') }} as date) <= observed_days.date
    left join negatives
        on
            grid.brand_id = negatives.brand_id
            and observed_days.platform = negatives.platform
            and observed_days.date = negatives.date
    group by grid.brand_id, grid.platform, grid.date

),

scored as (

    select
        grid.brand_id,
        grid.platform,
        grid.date,
        coalesce(negatives.negative_mentions, 0) as negative_mentions,
        history.history_days,
        history.trailing_7d_avg_negative,
        cast({{ k }} as {{ type_double() }}) * history.trailing_7d_avg_negative as threshold
    from grid
    inner join history
        on
            grid.brand_id = history.brand_id
            and grid.platform = history.platform
            and grid.date = history.date
    left join negatives
        on
            grid.brand_id = negatives.brand_id
            and grid.platform = negatives.platform
            and grid.date = negatives.date

)

select
    brand_id,
    platform,
    date,
    cast(negative_mentions as {{ dbt.type_bigint() }}) as negative_mentions,
    cast(history_days as {{ dbt.type_bigint() }}) as history_days,
    cast(trailing_7d_avg_negative as {{ type_double() }}) as trailing_7d_avg_negative,
    cast({{ k }} as {{ type_double() }}) as k,
    threshold,
    cast({{ min_negative }} as {{ dbt.type_bigint() }}) as min_negative,
    coalesce(negative_mentions > threshold and negative_mentions >= {{ min_negative }}, false) as is_alert
from scored
