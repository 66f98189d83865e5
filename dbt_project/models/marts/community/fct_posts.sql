{{ config(unique_key=['platform', 'post_id']) }}

-- Every tracked account's own top-level post (post or quote: is_top_level, as in fct_channel_daily),
-- competitors included, with its engagement as last ingested, the account's followers at posting time,
-- its local weekday and hour in the brand's timezone, and its rank among the brand's posts of the
-- platform and UTC day. A metric the platform does not report is NULL, never 0 (var platform_metrics).

with

brands as (

    select
        brand_id,
        timezone
    from {{ ref('stg_reference__brands') }}

),

posts as (

    select
        brand_id,
        platform,
        account_id,
        post_id,
        created_date as date,
        created_at,
        post_type,
        case when {{ platform_reports('platform', 'likes') }} then like_count end as likes,
        case when {{ platform_reports('platform', 'shares') }} then share_count end as shares,
        case when {{ platform_reports('platform', 'replies') }} then reply_count end as replies,
        case when {{ platform_reports('platform', 'views') }} then view_count end as views
    from {{ ref('int_posts_unioned') }}
    where
        is_top_level
        and {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}

),

snapshots as (

    {{ follower_spans() }}

),

joined as (

    select
        posts.*,
        brands.timezone,
        snapshots.followers as followers_at_posting,
        case
            when posts.likes is not null or posts.shares is not null or posts.replies is not null
                then coalesce(posts.likes, 0) + coalesce(posts.shares, 0) + coalesce(posts.replies, 0)
        end as engagements
    from posts
    left join brands
        on posts.brand_id = brands.brand_id
    left join snapshots
        on
            posts.platform = snapshots.platform
            and posts.account_id = snapshots.account_id
            and posts.date >= snapshots.snapshot_date
            and (snapshots.next_snapshot_date is null or posts.date < snapshots.next_snapshot_date)

),

localised as (

    select
        *,
        {{ utc_to_local('created_at', 'timezone') }} as local_created_at
    from joined

),

ranked as (

    select
        *,
        row_number() over (
            partition by brand_id, platform, date
            order by engagements desc nulls last, created_at asc, post_id asc
        ) as rank_in_day
    from localised

)

select
    brand_id,
    platform,
    account_id,
    post_id,
    date,
    created_at,
    local_created_at,
    {{ iso_weekday('local_created_at') }} as local_weekday,
    cast(extract(hour from local_created_at) as integer) as local_hour,
    post_type,
    cast(likes as {{ dbt.type_bigint() }}) as likes,
    cast(shares as {{ dbt.type_bigint() }}) as shares,
    cast(replies as {{ dbt.type_bigint() }}) as replies,
    cast(views as {{ dbt.type_bigint() }}) as views,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    cast(followers_at_posting as {{ dbt.type_bigint() }}) as followers_at_posting,
    {{ pct('engagements', 'followers_at_posting') }} as engagement_rate_pct,
    {{ pct('engagements', 'views') }} as engagement_rate_by_views_pct,
    cast(rank_in_day as integer) as rank_in_day,
    rank_in_day = 1 as is_top_post
from ranked
