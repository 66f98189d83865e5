{{ config(unique_key=['group_id', 'brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Each member of a competitive group against the average of the group's OTHER members, per platform
-- and UTC day of the range: posts, engagements, engagements per post, followers and follower growth.
-- The competitor average of a metric is the mean over the other members whose metric is known that
-- day (NULL when none is); the index is brand / average x 100 (NULL when either is NULL or the
-- average is 0). A metric that is unknown (no account on the platform, no snapshot) stays NULL.

with

days as (

    {{ days_in_range() }}

),

members as (

    select
        group_id,
        brand_id,
        is_client
    from {{ ref('stg_reference__competitive_groups') }}

),

accounts as (

    select
        brand_id,
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

platforms as (

    select distinct platform
    from accounts

),

posts as (

    select
        brand_id,
        platform,
        created_date as date,
        count(*) as posts,
        sum(coalesce(like_count, 0) + coalesce(share_count, 0) + coalesce(reply_count, 0)) as engagements
    from {{ ref('int_posts_unioned') }}
    where
        is_top_level
        and {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}
    group by brand_id, platform, created_date

),

snapshots as (

    select
        platform,
        account_id,
        snapshot_date,
        followers
    from {{ ref('int_account_snapshots_unioned') }}
    where {{ in_partition_range('partition_date', lookback_days=1) }}

),

member_days as (

    select
        members.group_id,
        members.brand_id,
        platforms.platform,
        days.date,
        members.is_client,
        -- no account on the platform: nothing is known; an account without posts that day: 0
        case when accounts.account_id is not null then coalesce(posts.posts, 0) end as posts,
        case when accounts.account_id is not null then coalesce(posts.engagements, 0) end as engagements,
        current_snapshot.followers,
        previous_snapshot.followers as previous_followers
    from members
    cross join platforms
    cross join days
    left join accounts
        on
            members.brand_id = accounts.brand_id
            and platforms.platform = accounts.platform
    left join posts
        on
            members.brand_id = posts.brand_id
            and platforms.platform = posts.platform
            and days.date = posts.date
    left join snapshots as current_snapshot
        on
            accounts.platform = current_snapshot.platform
            and accounts.account_id = current_snapshot.account_id
            and days.date = current_snapshot.snapshot_date
    left join snapshots as previous_snapshot
        on
            accounts.platform = previous_snapshot.platform
            and accounts.account_id = previous_snapshot.account_id
            and cast({{ dbt.dateadd('day', -1, 'days.date') }} as date) = previous_snapshot.snapshot_date

),

measured as (

    select
        group_id,
        brand_id,
        platform,
        date,
        is_client,
        posts,
        engagements,
        cast(engagements as {{ type_double() }}) / cast(nullif(posts, 0) as {{ type_double() }})
            as engagements_per_post,
        followers,
        {{ pct('followers - previous_followers', 'previous_followers') }} as follower_growth_pct
    from member_days

),

-- the group's sum and count of known values per metric, platform and day (ratios summed as decimals:
-- exact, so the result does not depend on the order the rows are added in)
grouped as (

    select
        *,
        sum(posts) over (partition by group_id, platform, date) as group_sum_posts,
        count(posts) over (partition by group_id, platform, date) as group_count_posts,
        sum(engagements) over (partition by group_id, platform, date) as group_sum_eng,
        count(engagements) over (partition by group_id, platform, date) as group_count_eng,
        sum(cast(engagements_per_post as decimal(38, 12))) over (partition by group_id, platform, date)
            as group_sum_epp,
        count(engagements_per_post) over (partition by group_id, platform, date) as group_count_epp,
        sum(followers) over (partition by group_id, platform, date) as group_sum_fol,
        count(followers) over (partition by group_id, platform, date) as group_count_fol,
        sum(cast(follower_growth_pct as decimal(38, 12))) over (partition by group_id, platform, date)
            as group_sum_growth,
        count(follower_growth_pct) over (partition by group_id, platform, date) as group_count_growth
    from measured

),

-- the mean over the OTHER members with a known value: the group's sum and count minus the member's own
averaged as (

    select
        *,
        {{ mean_of_others('group_sum_posts', 'group_count_posts', 'posts') }} as competitor_avg_posts,
        {{ mean_of_others('group_sum_eng', 'group_count_eng', 'engagements') }} as competitor_avg_engagements,
        {{ mean_of_others('group_sum_epp', 'group_count_epp', 'engagements_per_post', exact=true) }}
            as competitor_avg_engagements_per_post,
        {{ mean_of_others('group_sum_fol', 'group_count_fol', 'followers') }} as competitor_avg_followers,
        {{ mean_of_others('group_sum_growth', 'group_count_growth', 'follower_growth_pct', exact=true) }}
            as competitor_avg_follower_growth_pct
    from grouped

)

select
    group_id,
    brand_id,
    platform,
    date,
    is_client,
    cast(posts as {{ dbt.type_bigint() }}) as posts,
    competitor_avg_posts,
    {{ pct('posts', 'competitor_avg_posts') }} as posts_index,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    competitor_avg_engagements,
    {{ pct('engagements', 'competitor_avg_engagements') }} as engagements_index,
    engagements_per_post,
    competitor_avg_engagements_per_post,
    {{ pct('engagements_per_post', 'competitor_avg_engagements_per_post') }} as engagements_per_post_index,
    cast(followers as {{ dbt.type_bigint() }}) as followers,
    competitor_avg_followers,
    {{ pct('followers', 'competitor_avg_followers') }} as followers_index,
    follower_growth_pct,
    competitor_avg_follower_growth_pct,
    {{ pct('follower_growth_pct', 'competitor_avg_follower_growth_pct') }} as follower_growth_index
from averaged
