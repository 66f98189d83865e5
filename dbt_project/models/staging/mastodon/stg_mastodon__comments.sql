with

source as (

    select * from {{ source('mastodon', 'comments') }}

),

renamed as (

    select
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(comment_id as {{ dbt.type_string() }}) as comment_id,
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        cast(parent_id as {{ dbt.type_string() }}) as parent_id,
        cast(brand_id as {{ dbt.type_string() }}) as brand_id,
        cast(author_id as {{ dbt.type_string() }}) as author_id,
        -- members of the public stay pseudonymous: only tracked accounts keep a handle
        case
            when is_from_tracked_account then cast(author_handle as {{ dbt.type_string() }})
        end as author_handle,
        coalesce(cast(is_from_tracked_account as {{ dbt.type_boolean() }}), false) as is_from_tracked_account,
        {{ to_utc_timestamp('created_at') }} as created_at,
        cast({{ to_utc_timestamp('created_at') }} as date) as created_date,
        cast(text as {{ dbt.type_string() }}) as comment_text,
        cast(lang as {{ dbt.type_string() }}) as lang,
        cast(like_count as {{ dbt.type_bigint() }}) as like_count,
        cast(reply_count as {{ dbt.type_bigint() }}) as reply_count,
        {{ to_utc_timestamp('ingested_at') }} as ingested_at,
        cast(dt as date) as partition_date
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by partition_date, platform, comment_id
            order by ingested_at desc, like_count desc, reply_count desc
        ) as version_rank
    from renamed

)

select
    platform,
    comment_id,
    post_id,
    parent_id,
    brand_id,
    author_id,
    author_handle,
    is_from_tracked_account,
    created_at,
    created_date,
    comment_text,
    lang,
    like_count,
    reply_count,
    ingested_at,
    partition_date
from ranked
where version_rank = 1
