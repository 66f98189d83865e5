-- The UTC days each platform has raw data for, per entity: a day without a partition (never
-- ingested, e.g. X's comments and mentions older than its 7-day recent search) is "no data", which
-- the marts report as NULL (or leave out) rather than 0. A day counts as observed for an entity
-- when its raw partition holds at least one row.

with

observed as (

    select distinct
        platform,
        partition_date as date,
        'posts' as entity
    from {{ ref('int_posts_unioned') }}

    union all

    select distinct
        platform,
        partition_date as date,
        'comments' as entity
    from {{ ref('int_comments_unioned') }}

    union all

    select distinct
        platform,
        partition_date as date,
        'mentions' as entity
    from {{ ref('int_mentions_unioned') }}

)

select
    platform,
    date,
    max(case when entity = 'posts' then 1 else 0 end) = 1 as has_posts,
    max(case when entity = 'comments' then 1 else 0 end) = 1 as has_comments,
    max(case when entity = 'mentions' then 1 else 0 end) = 1 as has_mentions
from observed
group by platform, date
