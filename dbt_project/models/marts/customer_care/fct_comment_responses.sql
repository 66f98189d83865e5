{{ config(unique_key=['platform', 'comment_id']) }}

-- Each member's comment on a brand's post (a direct reply to the post, from an account that is not
-- tracked) and the brand's first answer to it: a reply by the brand's own account whose parent is the
-- comment. Times are measured on the wall clock and in the brand's business hours (brands.yaml).
--
-- Replies land in the partitions of the days they were written, possibly days later: they are read
-- from every partition from the comments' first day onwards (never bounded by the range's end), and
-- each run re-derives the comments of the range AND of the care lookback before it
-- (var care_lookback_days), replacing those rows by key, so a late answer reaches its comment's row.
--
-- The cut-off: what the pipeline knows stands as of the newest status it ingested for the platform
-- (latest created_at of its posts and comments), not the wall clock of the run (ingested_at), so the
-- same lake always gives the same figures. A comment is open when no answer was seen by then, and
-- breaches its SLA when answered after its deadline (sla_hours of business time after it), or
-- unanswered while that deadline had passed by then.

{%- set lookback = care_lookback_days() %}

with

brands as (

    select
        brand_id,
        timezone,
        sla_hours,
        business_days,
        business_start,
        business_end
    from {{ ref('stg_reference__brands') }}

),

accounts as (

    select
        brand_id,
        platform,
        account_id
    from {{ ref('int_brand_accounts_resolved') }}

),

member_comments as (

    select
        brand_id,
        platform,
        comment_id,
        post_id,
        created_date as date,
        created_at
    from {{ ref('int_comments_unioned') }}
    where
        not is_from_tracked_account
        and parent_id = post_id
        and {{ in_partition_range('partition_date', lookback_days=lookback) }}
        and {{ in_partition_range('created_date', lookback_days=lookback) }}

),

brand_replies as (

    select
        replies.platform,
        replies.parent_id,
        replies.brand_id,
        replies.created_at
    from {{ ref('int_comments_unioned') }} as replies
    inner join accounts
        on
            replies.brand_id = accounts.brand_id
            and replies.platform = accounts.platform
            and replies.author_id = accounts.account_id
    where
        replies.is_from_tracked_account
        and {{ on_or_after_range_start('replies.partition_date', lookback_days=lookback) }}

),

cutoffs as (

    select
        platform,
        max(created_at) as cutoff_at
    from (
        select
            platform,
            created_at
        from {{ ref('int_comments_unioned') }}
        where {{ on_or_after_range_start('partition_date', lookback_days=lookback) }}
        union all
        select
            platform,
            created_at
        from {{ ref('int_posts_unioned') }}
        where {{ on_or_after_range_start('partition_date', lookback_days=lookback) }}
    ) as ingested
    group by platform

),

first_replies as (

    select
        member_comments.platform,
        member_comments.comment_id,
        min(brand_replies.created_at) as first_reply_at
    from member_comments
    inner join brand_replies
        on
            member_comments.platform = brand_replies.platform
            and member_comments.brand_id = brand_replies.brand_id
            and member_comments.comment_id = brand_replies.parent_id
            and member_comments.created_at <= brand_replies.created_at
    group by member_comments.platform, member_comments.comment_id

),

joined as (

    select
        member_comments.*,
        first_replies.first_reply_at,
        cutoffs.cutoff_at,
        brands.timezone,
        brands.sla_hours,
        brands.business_days,
        brands.business_start,
        brands.business_end
    from member_comments
    left join first_replies
        on
            member_comments.platform = first_replies.platform
            and member_comments.comment_id = first_replies.comment_id
    left join cutoffs
        on member_comments.platform = cutoffs.platform
    left join brands
        on member_comments.brand_id = brands.brand_id

),

measured as (

    select
        *,
        first_reply_at is not null as is_answered,
        {{ is_in_business_hours(
            'created_at', 'timezone', 'business_days', 'business_start', 'business_end'
        ) }} as arrived_in_business_hours,
        {{ minutes_between('created_at', 'first_reply_at') }} as response_minutes,
        {{ business_minutes_between(
            'created_at', 'first_reply_at', 'timezone', 'business_days', 'business_start', 'business_end'
        ) }} as response_business_minutes,
        {{ business_minutes_between(
            'created_at', 'cutoff_at', 'timezone', 'business_days', 'business_start', 'business_end'
        ) }} as business_minutes_to_cutoff,
        {{ is_in_business_hours(
            'first_reply_at', 'timezone', 'business_days', 'business_start', 'business_end'
        ) }} as replied_in_business_hours,
        {{ is_in_business_hours(
            'cutoff_at', 'timezone', 'business_days', 'business_start', 'business_end'
        ) }} as cutoff_in_business_hours
    from joined

),

deadlines as (

    -- The SLA deadline is the moment the business clock reaches sla_hours: a time is past it when more
    -- business time has elapsed, or exactly that much and the time lies outside business hours (the
    -- deadline was the last closing time: a comment left unanswered through its whole business window).
    select
        *,
        (
            response_business_minutes > sla_hours * 60
            or (response_business_minutes >= sla_hours * 60 and not replied_in_business_hours)
        ) as reply_past_deadline,
        (
            business_minutes_to_cutoff > sla_hours * 60
            or (business_minutes_to_cutoff >= sla_hours * 60 and not cutoff_in_business_hours)
        ) as cutoff_past_deadline
    from measured

)

select
    brand_id,
    platform,
    comment_id,
    post_id,
    date,
    created_at,
    arrived_in_business_hours,
    first_reply_at,
    cast(response_minutes as {{ type_double() }}) as response_minutes,
    cast(response_business_minutes as {{ type_double() }}) as response_business_minutes,
    sla_hours,
    cutoff_at,
    cast(business_minutes_to_cutoff as {{ type_double() }}) as business_minutes_to_cutoff,
    is_answered,
    case when sla_hours is not null then is_answered and not reply_past_deadline end as is_within_sla,
    case
        when sla_hours is null then null
        when is_answered then reply_past_deadline
        else cutoff_past_deadline
    end as is_sla_breached,
    not is_answered as is_open
from deadlines
