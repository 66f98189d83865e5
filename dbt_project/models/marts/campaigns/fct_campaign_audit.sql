{{ config(materialized='table', partition_by=none) }}

-- What each configured campaign did: for the campaign brand and every other member of its
-- competitive group (benchmarked on the same days), per platform, three periods of equal length in
-- the campaign brand's local calendar: pre (ending the day before the start), during, post (starting
-- the day after the end). A UTC timestamp belongs to the local day it falls on in the campaign brand's
-- time zone (macro local_date). A local day "has data" for a platform when the platform's raw
-- mentions (posts, for the brand's own posts) hold rows for the UTC day of the same date, the one
-- containing the local noon; only local days with data are counted, and figures are NULL for a
-- period without any. Uplifts compare during and post with pre.

with

campaigns as (

    select
        campaigns.campaign_name,
        campaigns.brand_id as campaign_brand_id,
        campaigns.start_date,
        campaigns.end_date,
        brands.timezone,
        cast({{ dbt.datediff('campaigns.start_date', 'campaigns.end_date', 'day') }} + 1 as integer) as campaign_days -- noqa: LT05
    from {{ ref('stg_reference__campaigns') }} as campaigns
    inner join {{ ref('stg_reference__brands') }} as brands
        on campaigns.brand_id = brands.brand_id

),

-- the competitive group of the campaign brand: the one it is the client of, else the first it is in
campaign_groups as (

    select
        campaigns.campaign_name,
        group_members.group_id,
        row_number() over (
            partition by campaigns.campaign_name
            order by
                case when group_members.group_id = campaigns.campaign_brand_id then 0 else 1 end,
                group_members.group_id
        ) as group_rank
    from campaigns
    inner join {{ ref('stg_reference__competitive_groups') }} as group_members
        on campaigns.campaign_brand_id = group_members.brand_id

),

campaign_brands as (

    select
        campaigns.*,
        campaign_groups.group_id,
        members.brand_id,
        members.brand_id = campaigns.campaign_brand_id as is_campaign_brand
    from campaigns
    inner join campaign_groups
        on
            campaigns.campaign_name = campaign_groups.campaign_name
            and campaign_groups.group_rank = 1
    inner join {{ ref('stg_reference__competitive_groups') }} as members
        on campaign_groups.group_id = members.group_id

),

period_kinds as (

    select
        'pre' as period,
        1 as period_order
    union all
    select
        'during' as period,
        2 as period_order
    union all
    select
        'post' as period,
        3 as period_order

),

periods as (

    select
        campaign_brands.*,
        period_kinds.period,
        period_kinds.period_order,
        case period_kinds.period
            when 'pre' then cast({{ dbt.dateadd('day', '-campaign_brands.campaign_days', 'campaign_brands.start_date') }} as date) -- noqa: LT05
            when 'during' then campaign_brands.start_date
            else cast({{ dbt.dateadd('day', 1, 'campaign_brands.end_date') }} as date)
        end as period_start,
        case period_kinds.period
            when 'pre' then cast({{ dbt.dateadd('day', -1, 'campaign_brands.start_date') }} as date)
            when 'during' then campaign_brands.end_date
            else cast({{ dbt.dateadd('day', 'campaign_brands.campaign_days', 'campaign_brands.end_date') }} as date)
        end as period_end
    from campaign_brands
    cross join period_kinds

),

platforms as (

    select distinct platform
    from {{ ref('int_brand_accounts_resolved') }}

),

accounts as (

    select
        brand_id,
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

timezones as (

    select distinct timezone
    from campaigns

),

observed_days as (

    select
        platform,
        date,
        has_mentions,
        has_posts
    from {{ ref('int_platform_days_observed') }}

),

-- mentions by local day in each campaign time zone, kept only on local days with mention data
mentions as (

    select
        mentions.platform,
        mentions.brand_id,
        timezones.timezone,
        {{ local_date('mentions.created_at', 'timezones.timezone') }} as local_date,
        mentions.sentiment
    from {{ ref('int_mentions_unioned') }} as mentions
    cross join timezones
    inner join observed_days
        on
            mentions.platform = observed_days.platform
            and {{ local_date('mentions.created_at', 'timezones.timezone') }} = observed_days.date
            and observed_days.has_mentions

),

-- the brand's own top-level posts by local day, kept only on local days with post data
posts as (

    select
        posts.platform,
        posts.brand_id,
        timezones.timezone,
        {{ local_date('posts.created_at', 'timezones.timezone') }} as local_date,
        coalesce(posts.like_count, 0) + coalesce(posts.share_count, 0) + coalesce(posts.reply_count, 0)
            as engagements
    from {{ ref('int_posts_unioned') }} as posts
    cross join timezones
    inner join observed_days
        on
            posts.platform = observed_days.platform
            and {{ local_date('posts.created_at', 'timezones.timezone') }} = observed_days.date
            and observed_days.has_posts
    where posts.is_top_level

),

snapshots as (

    select
        platform,
        account_id,
        snapshot_date,
        followers
    from {{ ref('int_account_snapshots_unioned') }}
    where followers is not null

),

grid as (

    select
        periods.*,
        platforms.platform,
        accounts.account_id,
        cast({{ dbt.datediff('periods.period_start', 'periods.period_end', 'day') }} + 1 as integer) as days_in_period -- noqa: LT05
    from periods
    cross join platforms
    left join accounts
        on
            periods.brand_id = accounts.brand_id
            and platforms.platform = accounts.platform

),

coverage as (

    select
        grid.campaign_name,
        grid.brand_id,
        grid.platform,
        grid.period,
        count(case when observed_days.has_mentions then 1 end) as days_with_data,
        count(case when observed_days.has_posts then 1 end) as days_with_post_data
    from grid
    left join observed_days
        on
            grid.platform = observed_days.platform
            and observed_days.date between grid.period_start and grid.period_end
    group by grid.campaign_name, grid.brand_id, grid.platform, grid.period

),

mention_counts as (

    select
        grid.campaign_name,
        grid.brand_id,
        grid.platform,
        grid.period,
        count(mentions.local_date) as mentions,
        count(case when mentions.sentiment = 'positive' then 1 end) as positive_mentions,
        count(case when mentions.sentiment = 'negative' then 1 end) as negative_mentions
    from grid
    left join mentions
        on
            grid.brand_id = mentions.brand_id
            and grid.platform = mentions.platform
            and grid.timezone = mentions.timezone
            and mentions.local_date between grid.period_start and grid.period_end
    group by grid.campaign_name, grid.brand_id, grid.platform, grid.period

),

post_counts as (

    select
        grid.campaign_name,
        grid.brand_id,
        grid.platform,
        grid.period,
        count(posts.local_date) as posts,
        sum(posts.engagements) as engagements
    from grid
    left join posts
        on
            grid.brand_id = posts.brand_id
            and grid.platform = posts.platform
            and grid.timezone = posts.timezone
            and posts.local_date between grid.period_start and grid.period_end
    group by grid.campaign_name, grid.brand_id, grid.platform, grid.period

),

-- the first and the last snapshot (UTC days) within the period
follower_bounds as (

    select
        grid.campaign_name,
        grid.brand_id,
        grid.platform,
        grid.period,
        min(snapshots.snapshot_date) as first_snapshot_date,
        max(snapshots.snapshot_date) as last_snapshot_date
    from grid
    inner join snapshots
        on
            grid.platform = snapshots.platform
            and grid.account_id = snapshots.account_id
            and snapshots.snapshot_date between grid.period_start and grid.period_end
    group by grid.campaign_name, grid.brand_id, grid.platform, grid.period

),

joined as (

    select
        grid.campaign_name,
        grid.campaign_brand_id,
        grid.group_id,
        grid.brand_id,
        grid.is_campaign_brand,
        grid.platform,
        grid.period,
        grid.period_order,
        grid.timezone,
        grid.period_start,
        grid.period_end,
        grid.days_in_period,
        coverage.days_with_data,
        case when coverage.days_with_data > 0 then mention_counts.mentions end as mentions,
        case when coverage.days_with_data > 0 then mention_counts.positive_mentions end as positive_mentions,
        case when coverage.days_with_data > 0 then mention_counts.negative_mentions end as negative_mentions,
        coverage.days_with_post_data,
        -- no account on the platform or no post data in the period: nothing known about its own posts
        case when grid.account_id is not null and coverage.days_with_post_data > 0 then post_counts.posts end as posts,
        case
            when grid.account_id is not null and coverage.days_with_post_data > 0
                then coalesce(post_counts.engagements, 0)
        end as engagements,
        start_snapshot.followers as followers_start,
        follower_bounds.first_snapshot_date as followers_start_date,
        end_snapshot.followers as followers_end,
        follower_bounds.last_snapshot_date as followers_end_date
    from grid
    inner join coverage
        on
            grid.campaign_name = coverage.campaign_name
            and grid.brand_id = coverage.brand_id
            and grid.platform = coverage.platform
            and grid.period = coverage.period
    inner join mention_counts
        on
            grid.campaign_name = mention_counts.campaign_name
            and grid.brand_id = mention_counts.brand_id
            and grid.platform = mention_counts.platform
            and grid.period = mention_counts.period
    inner join post_counts
        on
            grid.campaign_name = post_counts.campaign_name
            and grid.brand_id = post_counts.brand_id
            and grid.platform = post_counts.platform
            and grid.period = post_counts.period
    left join follower_bounds
        on
            grid.campaign_name = follower_bounds.campaign_name
            and grid.brand_id = follower_bounds.brand_id
            and grid.platform = follower_bounds.platform
            and grid.period = follower_bounds.period
    left join snapshots as start_snapshot
        on
            grid.platform = start_snapshot.platform
            and grid.account_id = start_snapshot.account_id
            and follower_bounds.first_snapshot_date = start_snapshot.snapshot_date
    left join snapshots as end_snapshot
        on
            grid.platform = end_snapshot.platform
            and grid.account_id = end_snapshot.account_id
            and follower_bounds.last_snapshot_date = end_snapshot.snapshot_date

),

measured as (

    select
        *,
        cast(mentions as {{ type_double() }}) / cast(nullif(days_with_data, 0) as {{ type_double() }})
            as mentions_per_day,
        {{ pct('mentions', 'sum(mentions) over (partition by campaign_name, platform, period)') }}
            as share_of_voice_pct,
        cast(positive_mentions - negative_mentions as {{ type_double() }})
        / cast(nullif(positive_mentions + negative_mentions, 0) as {{ type_double() }}) as net_sentiment,
        cast(engagements as {{ type_double() }}) / cast(nullif(posts, 0) as {{ type_double() }})
            as engagements_per_post,
        -- growth needs two distinct snapshots in the period
        case
            when followers_end_date > followers_start_date
                then {{ pct('followers_end - followers_start', 'followers_start') }}
        end as follower_growth_pct
    from joined

),

with_pre as (

    select
        measured.*,
        pre.mentions_per_day as pre_mentions_per_day,
        pre.engagements_per_post as pre_engagements_per_post,
        pre.share_of_voice_pct as pre_share_of_voice_pct,
        pre.net_sentiment as pre_net_sentiment,
        pre.follower_growth_pct as pre_follower_growth_pct
    from measured
    left join measured as pre
        on
            measured.campaign_name = pre.campaign_name
            and measured.brand_id = pre.brand_id
            and measured.platform = pre.platform
            and pre.period = 'pre'
            and measured.period != 'pre'

)

select
    campaign_name,
    campaign_brand_id,
    group_id,
    brand_id,
    is_campaign_brand,
    platform,
    period,
    cast(period_order as integer) as period_order,
    timezone,
    period_start,
    period_end,
    cast(days_in_period as integer) as days_in_period,
    cast(days_with_data as integer) as days_with_data,
    cast(days_with_post_data as integer) as days_with_post_data,
    cast(mentions as {{ dbt.type_bigint() }}) as mentions,
    mentions_per_day,
    share_of_voice_pct,
    cast(positive_mentions as {{ dbt.type_bigint() }}) as positive_mentions,
    cast(negative_mentions as {{ dbt.type_bigint() }}) as negative_mentions,
    net_sentiment,
    cast(posts as {{ dbt.type_bigint() }}) as posts,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    engagements_per_post,
    cast(followers_start as {{ dbt.type_bigint() }}) as followers_start,
    followers_start_date,
    cast(followers_end as {{ dbt.type_bigint() }}) as followers_end,
    followers_end_date,
    follower_growth_pct,
    {{ pct('mentions_per_day - pre_mentions_per_day', 'pre_mentions_per_day') }} as mentions_per_day_uplift_pct,
    {{ pct('engagements_per_post - pre_engagements_per_post', 'pre_engagements_per_post') }}
        as engagements_per_post_uplift_pct,
    share_of_voice_pct - pre_share_of_voice_pct as share_of_voice_uplift_pts,
    net_sentiment - pre_net_sentiment as net_sentiment_uplift,
    follower_growth_pct - pre_follower_growth_pct as follower_growth_uplift_pts
from with_pre
