{{ config(unique_key=['date', 'brand_id', 'platform', 'item_type', 'item_id']) }}

-- What is being said about each brand, item by item: every mention (one row per status and brand it
-- names) and every member's comment under the brand's own posts, with the sentiment scored when the
-- raw row was written (assets/ingest/sentiment.py). The brand's own replies are not conversation
-- about it and are left out. Texts keep no member handle (redact_handles).

with

mentions as (

    select
        brand_id,
        platform,
        created_date as date,
        'mention' as item_type,
        mention_id as item_id,
        author_id,
        created_at,
        lang,
        sentiment,
        sentiment_score,
        mention_text as item_text
    from {{ ref('int_mentions_unioned') }}
    where
        {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}

),

comments as (

    select
        brand_id,
        platform,
        created_date as date,
        'comment' as item_type,
        comment_id as item_id,
        author_id,
        created_at,
        lang,
        sentiment,
        sentiment_score,
        comment_text as item_text
    from {{ ref('int_comments_unioned') }}
    where
        not is_from_tracked_account
        and {{ in_partition_range('partition_date') }}
        and {{ in_partition_range('created_date') }}

),

items as (

    select * from mentions
    union all
    select * from comments

)

select
    brand_id,
    platform,
    date,
    cast(item_type as {{ dbt.type_string() }}) as item_type,
    item_id,
    author_id,
    created_at,
    lang,
    sentiment,
    sentiment_score,
    {{ redact_handles('item_text') }} as text  -- noqa: RF04
from items
