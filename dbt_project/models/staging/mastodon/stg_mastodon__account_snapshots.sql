with

source as (

    select * from {{ source('mastodon', 'account_snapshots') }}

),

renamed as (

    select
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(brand_id as {{ dbt.type_string() }}) as brand_id,
        cast(account_handle as {{ dbt.type_string() }}) as account_handle,
        cast(snapshot_date as date) as snapshot_date,
        {{ to_utc_timestamp('observed_at') }} as observed_at,
        cast(followers as {{ dbt.type_bigint() }}) as followers,
        cast(following as {{ dbt.type_bigint() }}) as following,
        cast(posts_count as {{ dbt.type_bigint() }}) as posts_count,
        {{ to_utc_timestamp('ingested_at') }} as ingested_at,
        cast(dt as date) as partition_date
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by partition_date, platform, account_id, snapshot_date
            order by ingested_at desc, observed_at desc, followers desc
        ) as version_rank
    from renamed

)

select
    platform,
    account_id,
    brand_id,
    account_handle,
    snapshot_date,
    observed_at,
    followers,
    following,
    posts_count,
    ingested_at,
    partition_date
from ranked
where version_rank = 1
