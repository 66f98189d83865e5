with

source as (

    select * from {{ source('mastodon', 'posts') }}

),

renamed as (

    select
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        cast(brand_id as {{ dbt.type_string() }}) as brand_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(account_handle as {{ dbt.type_string() }}) as account_handle,
        {{ to_utc_timestamp('created_at') }} as created_at,
        cast({{ to_utc_timestamp('created_at') }} as date) as created_date,
        cast(post_type as {{ dbt.type_string() }}) as post_type,
        coalesce(post_type in ('post', 'quote'), false) as is_top_level,
        cast(text as {{ dbt.type_string() }}) as post_text,
        cast(lang as {{ dbt.type_string() }}) as lang,
        cast(url as {{ dbt.type_string() }}) as post_url,
        hashtags,
        cast(like_count as {{ dbt.type_bigint() }}) as like_count,
        cast(share_count as {{ dbt.type_bigint() }}) as share_count,
        cast(reply_count as {{ dbt.type_bigint() }}) as reply_count,
        cast(view_count as {{ dbt.type_bigint() }}) as view_count,
        {{ to_utc_timestamp('ingested_at') }} as ingested_at,
        cast(dt as date) as partition_date
    from source

),

ranked as (

    select
        *,
        row_number() over (
            -- the partition day leads so that filters on it reach the Parquet scan (file pruning)
            partition by partition_date, platform, post_id
            order by ingested_at desc, like_count desc, share_count desc, reply_count desc
        ) as version_rank
    from renamed

)

select
    platform,
    post_id,
    brand_id,
    account_id,
    account_handle,
    created_at,
    created_date,
    post_type,
    is_top_level,
    post_text,
    lang,
    post_url,
    hashtags,
    like_count,
    share_count,
    reply_count,
    view_count,
    ingested_at,
    partition_date
from ranked
where version_rank = 1
