{#- The staging SQL of each entity, the same for every platform: raw Parquet holds canonical columns
    (assets/ingest/schemas.py) whatever the platform, so stg_<platform>__<entity> is one call here. -#}

{% macro stage_posts(platform) -%}
    with

    source as (

        select * from {{ source(platform, 'posts') }}

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
{%- endmacro %}

{% macro stage_comments(platform) -%}
    with

    source as (

        select * from {{ source(platform, 'comments') }}

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
            {{ stage_sentiment_columns() }}
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
        sentiment,
        sentiment_score,
        sentiment_lang,
        like_count,
        reply_count,
        ingested_at,
        partition_date
    from ranked
    where version_rank = 1
{%- endmacro %}

{% macro stage_mentions(platform) -%}
    with

    source as (

        select * from {{ source(platform, 'mentions') }}

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
            {{ stage_sentiment_columns() }}
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
        sentiment,
        sentiment_score,
        sentiment_lang,
        mention_url,
        hashtags,
        like_count,
        share_count,
        reply_count,
        ingested_at,
        partition_date
    from ranked
    where version_rank = 1
{%- endmacro %}

{% macro stage_account_snapshots(platform) -%}
    with

    source as (

        select * from {{ source(platform, 'account_snapshots') }}

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
{%- endmacro %}

{#- Set once when raw rows are written (assets/ingest/sentiment.py): label, VADER compound score, lexicon. -#}
{% macro stage_sentiment_columns() -%}
    cast(sentiment as {{ dbt.type_string() }}) as sentiment,
            cast(sentiment_score as {{ type_double() }}) as sentiment_score,
            cast(sentiment_lang as {{ dbt.type_string() }}) as sentiment_lang,
{%- endmacro %}
