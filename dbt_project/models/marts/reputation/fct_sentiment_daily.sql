{{ config(unique_key=['brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Sentiment per brand, platform and UTC day: mentions of the brand and members' comments under its
-- posts, counted by label, with net sentiment = (positive - negative) / (positive + negative). One row
-- per brand, platform and day of the range, for every platform with any mention or comment data: zeros
-- on a quiet day, NULL on a day the platform returned nothing at all for any brand (never ingested,
-- e.g. X beyond its 7-day search: unknown, not zero).

with

days as (

    {{ days_in_range() }}

),

brands as (

    select brand_id
    from {{ ref('stg_reference__brands') }}

),

platforms as (

    select platform from {{ ref('int_mentions_unioned') }}
    union
    select platform from {{ ref('int_comments_unioned') }}

),

observed_days as (

    select distinct
        platform,
        created_date as date
    from {{ ref('int_mentions_unioned') }}
    where
        {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}
    union
    select distinct
        platform,
        created_date as date
    from {{ ref('int_comments_unioned') }}
    where
        {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}

),

items as (

    select
        brand_id,
        platform,
        date,
        count(case when item_type = 'mention' then 1 end) as mentions,
        count(case when item_type = 'mention' and sentiment = 'positive' then 1 end) as mentions_positive,
        count(case when item_type = 'mention' and sentiment = 'neutral' then 1 end) as mentions_neutral,
        count(case when item_type = 'mention' and sentiment = 'negative' then 1 end) as mentions_negative,
        count(case when item_type = 'comment' then 1 end) as comments,  -- noqa: RF04
        count(case when item_type = 'comment' and sentiment = 'positive' then 1 end) as comments_positive,
        count(case when item_type = 'comment' and sentiment = 'neutral' then 1 end) as comments_neutral,
        count(case when item_type = 'comment' and sentiment = 'negative' then 1 end) as comments_negative
    from {{ ref('fct_conversation_sentiment') }}
    where {{ in_partition_range('date') }}
    group by brand_id, platform, date

),

daily as (

    select
        brands.brand_id,
        platforms.platform,
        days.date,
        observed_days.date is not null as has_data,
        coalesce(items.mentions, 0) as mentions,
        coalesce(items.mentions_positive, 0) as mentions_positive,
        coalesce(items.mentions_neutral, 0) as mentions_neutral,
        coalesce(items.mentions_negative, 0) as mentions_negative,
        coalesce(items.comments, 0) as comments,  -- noqa: RF04
        coalesce(items.comments_positive, 0) as comments_positive,
        coalesce(items.comments_neutral, 0) as comments_neutral,
        coalesce(items.comments_negative, 0) as comments_negative
    from brands
    cross join platforms
    cross join days
    left join observed_days
        on
            platforms.platform = observed_days.platform
            and days.date = observed_days.date
    left join items
        on
            brands.brand_id = items.brand_id
            and platforms.platform = items.platform
            and days.date = items.date

)

select
    brand_id,
    platform,
    date,
    has_data,
    case when has_data then cast(mentions as {{ dbt.type_bigint() }}) end as mentions,
    case when has_data then cast(mentions_positive as {{ dbt.type_bigint() }}) end as mentions_positive,
    case when has_data then cast(mentions_neutral as {{ dbt.type_bigint() }}) end as mentions_neutral,
    case when has_data then cast(mentions_negative as {{ dbt.type_bigint() }}) end as mentions_negative,
    case
        when has_data then {{ net_sentiment('mentions_positive', 'mentions_negative') }}
    end as mention_net_sentiment,
    case when has_data then cast(comments as {{ dbt.type_bigint() }}) end as comments,  -- noqa: RF04
    case when has_data then cast(comments_positive as {{ dbt.type_bigint() }}) end as comments_positive,
    case when has_data then cast(comments_neutral as {{ dbt.type_bigint() }}) end as comments_neutral,
    case when has_data then cast(comments_negative as {{ dbt.type_bigint() }}) end as comments_negative,
    case
        when has_data then {{ net_sentiment('comments_positive', 'comments_negative') }}
    end as comment_net_sentiment,
    case
        when has_data
            then {{ net_sentiment('mentions_positive + comments_positive', 'mentions_negative + comments_negative') }}
    end as net_sentiment
from daily
