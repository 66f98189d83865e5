{{ config(unique_key=['brand_id', 'platform', 'account_id', 'date']) }}

-- Each brand account's audience per UTC day it was snapshotted. Growth compares with the snapshot of
-- the day before, read from the snapshots themselves (never from this table), so any range rebuilds
-- the same way; it is NULL when that day has no snapshot.

with

accounts as (

    select
        brand_id,
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

snapshots as (

    select
        platform,
        account_id,
        snapshot_date,
        followers,
        following,
        posts_count
    from {{ ref('int_account_snapshots_unioned') }}
    where {{ in_partition_range('partition_date', lookback_days=1) }}

),

current_day as (

    select
        accounts.brand_id,
        snapshots.platform,
        snapshots.account_id,
        snapshots.snapshot_date as date,
        snapshots.followers,
        snapshots.following,
        snapshots.posts_count
    from snapshots
    inner join accounts
        on
            snapshots.platform = accounts.platform
            and snapshots.account_id = accounts.account_id
    where {{ in_partition_range('snapshots.snapshot_date') }}

),

compared as (

    select
        current_day.*,
        previous_day.followers as previous_followers
    from current_day
    left join snapshots as previous_day
        on
            current_day.platform = previous_day.platform
            and current_day.account_id = previous_day.account_id
            and cast({{ dbt.dateadd('day', -1, 'current_day.date') }} as date) = previous_day.snapshot_date

)

select
    brand_id,
    platform,
    account_id,
    date,
    cast(followers as {{ dbt.type_bigint() }}) as followers,
    cast(following as {{ dbt.type_bigint() }}) as following,
    cast(posts_count as {{ dbt.type_bigint() }}) as posts_count,
    cast(previous_followers as {{ dbt.type_bigint() }}) as previous_followers,
    cast(followers - previous_followers as {{ dbt.type_bigint() }}) as net_new_followers,
    {{ pct('followers - previous_followers', 'previous_followers') }} as growth_rate_pct
from compared
