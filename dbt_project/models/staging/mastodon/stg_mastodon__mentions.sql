with

source as (

    select * from {{ source('mastodon', 'mentions') }}

),

renamed as (

    select
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(mention_id as {{ dbt.type_string() }}) as mention_id,
        cast(matched_brand as {{ dbt.type_string() }}) as brand_id,
        cast(match_type as {{ dbt.type_string() }}) as match_type,
        cast(matched_term as {{ dbt.type_string() }}) as matched_term,
        -- pseudonymous already for members of the public; the handle is left out on purpose
        cast(author_id as {{ dbt.type_string() }}) as author_id,
        cast(author_followers as {{ dbt.type_bigint() }}) as author_followers,
        {{ to_utc_timestamp('created_at') }} as created_at,
        cast({{ to_utc_timestamp('created_at') }} as date) as created_date,
        cast(text as {{ dbt.type_string() }}) as mention_text,
        cast(lang as {{ dbt.type_string() }}) as lang,
        cast(url as {{ dbt.type_string() }}) as mention_url,
        hashtags,
        cast(like_count as {{ dbt.type_bigint() }}) as like_count,
        cast(share_count as {{ dbt.type_bigint() }}) as share_count,
        cast(reply_count as {{ dbt.type_bigint() }}) as reply_count,
        {{ to_utc_timestamp('ingested_at') }} as ingested_at,
        cast(dt as date) as partition_date
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by partition_date, platform, mention_id, brand_id
            order by ingested_at desc, like_count desc, share_count desc, reply_count desc
        ) as version_rank
    from renamed

)

select
    platform,
    mention_id,
    brand_id,
    match_type,
    matched_term,
    author_id,
    author_followers,
    created_at,
    created_date,
    mention_text,
    lang,
    mention_url,
    hashtags,
    like_count,
    share_count,
    reply_count,
    ingested_at,
    partition_date
from ranked
where version_rank = 1
