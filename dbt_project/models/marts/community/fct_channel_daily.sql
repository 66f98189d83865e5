{{ config(unique_key=['brand_id', 'platform', 'account_id', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- How each brand's own channel did per UTC day: one row per brand account and day of the range, also
-- on days without posts. Post metrics are lifetime counts (as last ingested) of the posts published
-- that day. A metric the platform does not report is NULL, never 0 (var platform_metrics). Posting
-- cadence counts the brand's posts over the 7 days ending that day, read from raw for every range.
-- Comments received and brand replies are NULL on a platform-day whose comments were never ingested
-- (X's search reaches 7 days back): unknown, not 0.

with

days as (

    {{ days_in_range() }}

),

accounts as (

    select
        brand_id,
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

posts as (

    select
        brand_id,
        platform,
        created_date as date,
        cast(count(*) as {{ dbt.type_bigint() }}) as posts,
        cast(sum(like_count) as {{ dbt.type_bigint() }}) as likes,
        cast(sum(share_count) as {{ dbt.type_bigint() }}) as shares,
        cast(sum(reply_count) as {{ dbt.type_bigint() }}) as replies,
        cast(sum(view_count) as {{ dbt.type_bigint() }}) as views
    from {{ ref('int_posts_unioned') }}
    where
        is_top_level
        and {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}
    group by brand_id, platform, created_date

),

recent_posts as (

    -- posting cadence: the day and the 6 before it, read from raw (not from this table)
    select
        brand_id,
        platform,
        created_date as date,
        count(*) as posts
    from {{ ref('int_posts_unioned') }}
    where
        is_top_level
        and {{ in_partition_range('partition_date', lookback_days=6) }}
        and {{ in_partition_range('created_date', lookback_days=6) }}
    group by brand_id, platform, created_date

),

cadence as (

    select
        accounts.brand_id,
        accounts.platform,
        days.date,
        sum(recent_posts.posts) as posts_7d
    from accounts
    cross join days
    inner join recent_posts
        on
            accounts.brand_id = recent_posts.brand_id
            and accounts.platform = recent_posts.platform
            and days.date >= recent_posts.date
            and recent_posts.date > cast({{ dbt.dateadd('day', -7, 'days.date') }} as date)
    group by accounts.brand_id, accounts.platform, days.date

),

comments_received as (

    select
        brand_id,
        platform,
        created_date as date,
        cast(count(*) as {{ dbt.type_bigint() }}) as comments_received
    from {{ ref('int_comments_unioned') }}
    where
        not is_from_tracked_account
        and {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}
    group by brand_id, platform, created_date

),

brand_replies as (

    select
        tracked_comments.platform,
        tracked_comments.author_id as account_id,
        tracked_comments.created_date as date,
        cast(count(*) as {{ dbt.type_bigint() }}) as brand_replies
    from {{ ref('int_comments_unioned') }} as tracked_comments
    where
        tracked_comments.is_from_tracked_account
        and {{ in_partition_range('tracked_comments.partition_date') }}
        and {{ in_partition_range('tracked_comments.created_date') }}
    group by tracked_comments.platform, tracked_comments.author_id, tracked_comments.created_date

),

snapshots as (

    {{ follower_spans() }}

),

joined as (

    select
        accounts.brand_id,
        accounts.platform,
        accounts.account_id,
        days.date,
        posts.posts,
        case
            when posts.posts is not null then posts.likes
            when {{ platform_reports('accounts.platform', 'likes') }} then 0
        end as likes,
        case
            when posts.posts is not null then posts.shares
            when {{ platform_reports('accounts.platform', 'shares') }} then 0
        end as shares,
        case
            when posts.posts is not null then posts.replies
            when {{ platform_reports('accounts.platform', 'replies') }} then 0
        end as replies,
        case
            when posts.posts is not null then posts.views
            when {{ platform_reports('accounts.platform', 'views') }} then 0
        end as views,
        case when observed.has_comments then coalesce(comments_received.comments_received, 0) end
            as comments_received,
        case when observed.has_comments then coalesce(brand_replies.brand_replies, 0) end as brand_replies,
        snapshots.followers,
        cadence.posts_7d
    from accounts
    cross join days
    left join posts
        on
            accounts.brand_id = posts.brand_id
            and accounts.platform = posts.platform
            and days.date = posts.date
    left join comments_received
        on
            accounts.brand_id = comments_received.brand_id
            and accounts.platform = comments_received.platform
            and days.date = comments_received.date
    left join brand_replies
        on
            accounts.platform = brand_replies.platform
            and accounts.account_id = brand_replies.account_id
            and days.date = brand_replies.date
    left join cadence
        on
            accounts.brand_id = cadence.brand_id
            and accounts.platform = cadence.platform
            and days.date = cadence.date
    left join {{ ref('int_platform_days_observed') }} as observed
        on
            accounts.platform = observed.platform
            and days.date = observed.date
    left join snapshots
        on
            accounts.platform = snapshots.platform
            and accounts.account_id = snapshots.account_id
            and days.date >= snapshots.snapshot_date
            and (snapshots.next_snapshot_date is null or days.date < snapshots.next_snapshot_date)

),

measured as (

    select
        *,
        case
            when likes is not null or shares is not null or replies is not null
                then coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0)
        end as engagements
    from joined

)

select
    brand_id,
    platform,
    account_id,
    date,
    cast(coalesce(posts, 0) as {{ dbt.type_bigint() }}) as posts,
    cast(likes as {{ dbt.type_bigint() }}) as likes,
    cast(shares as {{ dbt.type_bigint() }}) as shares,
    cast(replies as {{ dbt.type_bigint() }}) as replies,
    cast(views as {{ dbt.type_bigint() }}) as views,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    cast(comments_received as {{ dbt.type_bigint() }}) as comments_received,
    cast(brand_replies as {{ dbt.type_bigint() }}) as brand_replies,
    cast(followers as {{ dbt.type_bigint() }}) as followers,
    {{ pct('engagements', 'followers') }} as engagement_rate_pct,
    {{ pct('engagements', 'views') }} as engagement_rate_by_views_pct,
    cast(coalesce(posts_7d, 0) as {{ dbt.type_bigint() }}) as posts_7d
from measured
