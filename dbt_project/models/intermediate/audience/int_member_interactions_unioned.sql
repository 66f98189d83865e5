-- Every interaction of a member of the public with a tracked brand, one row per platform, interaction
-- and brand: a comment in a thread under the brand's post (brand accounts' own comments left out), or
-- a status by anyone but a tracked account naming the brand (a status naming two brands is one
-- interaction with each). member_id is the raw author_id: a keyed hash (pseudonym) for every member
-- of the public, never a handle.

with

comments as (

    select
        platform,
        brand_id,
        author_id as member_id,
        'comment' as interaction_type,
        comment_id as interaction_id,
        cast(null as {{ dbt.type_bigint() }}) as author_followers,
        coalesce(like_count, 0) + coalesce(reply_count, 0) as engagements,
        sentiment,
        created_at,
        created_date,
        partition_date
    from {{ ref('int_comments_unioned') }}
    where not is_from_tracked_account

),

tracked_accounts as (

    select
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

mentions as (

    select
        mentions.platform,
        mentions.brand_id,
        mentions.author_id as member_id,
        'mention' as interaction_type,
        mentions.mention_id as interaction_id,
        mentions.author_followers,
        coalesce(mentions.like_count, 0) + coalesce(mentions.share_count, 0) + coalesce(mentions.reply_count, 0)
            as engagements,
        mentions.sentiment,
        mentions.created_at,
        mentions.created_date,
        mentions.partition_date
    from {{ ref('int_mentions_unioned') }} as mentions
    -- a tracked brand account naming another brand is not a member of the public
    left join tracked_accounts
        on
            mentions.platform = tracked_accounts.platform
            and mentions.author_id = tracked_accounts.account_id
    where tracked_accounts.account_id is null

)

select * from comments
union all
select * from mentions
