{{ config(unique_key=['group_id', 'brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Share of voice per competitive group, platform and UTC day: each member's mentions, the reach of
-- the mentioning authors and the engagement on the mentioning statuses, against the group's total.
-- One row per member, platform and day of the range on which the platform's mentions were ingested
-- (0 mentions when none named the member); a platform-day never ingested (X's search beyond its 7
-- days) has no row: its share is unknown, not 0. A status naming two brands of a group counts once
-- for each.

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

platform_days as (

    select
        observed.platform,
        observed.date
    from {{ ref('int_platform_days_observed') }} as observed
    inner join days
        on observed.date = days.date
    where observed.has_mentions

),

mentions as (

    select
        brand_id,
        platform,
        created_date as date,
        count(*) as mentions,
        sum(author_followers) as reach,
        sum(coalesce(like_count, 0) + coalesce(share_count, 0) + coalesce(reply_count, 0)) as engagements
    from {{ ref('int_mentions_unioned') }}
    where
        {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}
    group by brand_id, platform, created_date

),

member_days as (

    select
        members.group_id,
        members.brand_id,
        platform_days.platform,
        platform_days.date,
        members.is_client,
        coalesce(mentions.mentions, 0) as mentions,
        -- no mention: no reach; mentions whose authors' follower counts are all unknown: NULL
        case when mentions.mentions is null then 0 else mentions.reach end as reach,
        coalesce(mentions.engagements, 0) as engagements
    from members
    cross join platform_days
    left join mentions
        on
            members.brand_id = mentions.brand_id
            and platform_days.platform = mentions.platform
            and platform_days.date = mentions.date

),

grouped as (

    select
        *,
        sum(mentions) over (partition by group_id, platform, date) as group_mentions,
        sum(reach) over (partition by group_id, platform, date) as group_reach,
        sum(engagements) over (partition by group_id, platform, date) as group_engagements
    from member_days

)

select
    group_id,
    brand_id,
    platform,
    date,
    is_client,
    cast(mentions as {{ dbt.type_bigint() }}) as mentions,
    cast(group_mentions as {{ dbt.type_bigint() }}) as group_mentions,
    {{ pct('mentions', 'group_mentions') }} as share_of_voice_pct,
    cast(reach as {{ dbt.type_bigint() }}) as reach,
    cast(group_reach as {{ dbt.type_bigint() }}) as group_reach,
    {{ pct('reach', 'group_reach') }} as share_of_voice_reach_pct,
    cast(engagements as {{ dbt.type_bigint() }}) as engagements,
    cast(group_engagements as {{ dbt.type_bigint() }}) as group_engagements,
    {{ pct('engagements', 'group_engagements') }} as share_of_voice_engagement_pct
from grouped
