{{ config(unique_key=['brand_id', 'platform', 'date']) }}
-- depends_on: {{ ref('int_days_spined') }}

-- Members of the public active with each brand per platform and UTC day: commenting under the
-- brand's posts or naming it. One row per brand, platform with comment or mention data, and day of
-- the range. Counts are NULL when the platform has no comment and no mention data at all for the
-- day (or the window): a day never ingested is not a day nobody spoke.

with

days as (

    {{ days_in_range() }}

),

brands as (

    select brand_id
    from {{ ref('stg_reference__brands') }}

),

platforms as (

    select distinct platform
    from {{ ref('int_brand_accounts_resolved') }}

),

observed_days as (

    select
        platform,
        date
    from {{ ref('int_platform_days_observed') }}
    where
        (has_comments or has_mentions)
        and {{ in_partition_range('date', lookback_days=29) }}

),

-- one row per brand, platform, member and day they were active (the range and its 29-day lookback)
member_days as (

    select distinct
        brand_id,
        platform,
        member_id,
        created_date as date
    from {{ ref('int_member_interactions_unioned') }}
    where
        {{ in_partition_range('partition_date', lookback_days=29) }}
        and {{ in_partition_range('created_date', lookback_days=29) }}

),

-- each member's first active day with the brand on the platform, since the first day in the lake
first_seen as (

    select
        brand_id,
        platform,
        member_id,
        min(created_date) as first_seen_date
    from {{ ref('int_member_interactions_unioned') }}
    where {{ in_partition_range('partition_date', unbounded_start=true) }}
    group by brand_id, platform, member_id

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

coverage as (

    select
        grid.brand_id,
        grid.platform,
        grid.date,
        max(case when observed_days.date = grid.date then 1 else 0 end) = 1 as has_data,
        max(
            case when observed_days.date >= cast({{ dbt.dateadd('day', -6, 'grid.date') }} as date) then 1 else 0 end
        ) = 1 as has_data_7d,
        count(observed_days.date) > 0 as has_data_30d
    from grid
    left join observed_days
        on
            grid.platform = observed_days.platform
            and grid.date >= observed_days.date
            and cast({{ dbt.dateadd('day', -29, 'grid.date') }} as date) <= observed_days.date
    group by grid.brand_id, grid.platform, grid.date

),

windowed as (

    select
        grid.brand_id,
        grid.platform,
        grid.date,
        count(distinct case when member_days.date = grid.date then member_days.member_id end) as active_members,
        count(distinct case
            when member_days.date >= cast({{ dbt.dateadd('day', -6, 'grid.date') }} as date)
                then member_days.member_id
        end) as active_members_7d,
        count(distinct member_days.member_id) as active_members_30d,
        count(distinct case
            when member_days.date = grid.date and first_seen.first_seen_date = grid.date
                then member_days.member_id
        end) as new_members
    from grid
    left join member_days
        on
            grid.brand_id = member_days.brand_id
            and grid.platform = member_days.platform
            and grid.date >= member_days.date
            and cast({{ dbt.dateadd('day', -29, 'grid.date') }} as date) <= member_days.date
    left join first_seen
        on
            member_days.brand_id = first_seen.brand_id
            and member_days.platform = first_seen.platform
            and member_days.member_id = first_seen.member_id
    group by grid.brand_id, grid.platform, grid.date

)

select
    windowed.brand_id,
    windowed.platform,
    windowed.date,
    cast(case when coverage.has_data then windowed.active_members end as {{ dbt.type_bigint() }}) as active_members,
    cast(case when coverage.has_data_7d then windowed.active_members_7d end as {{ dbt.type_bigint() }})
        as active_members_7d,
    cast(case when coverage.has_data_30d then windowed.active_members_30d end as {{ dbt.type_bigint() }})
        as active_members_30d,
    cast(case when coverage.has_data then windowed.new_members end as {{ dbt.type_bigint() }}) as new_members,
    cast(
        case when coverage.has_data then windowed.active_members - windowed.new_members end
        as {{ dbt.type_bigint() }}
    ) as returning_members
from windowed
inner join coverage
    on
        windowed.brand_id = coverage.brand_id
        and windowed.platform = coverage.platform
        and windowed.date = coverage.date
