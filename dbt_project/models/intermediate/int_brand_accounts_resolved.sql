-- The account id of each brand's configured account per platform. brands.yaml names accounts by
-- handle; the connectors tag every post and every account snapshot with the brand id and the
-- account's real id, so the id is read from there: the most recently seen one. Snapshots alone are
-- not enough: a platform only reports today's follower count, so past days have posts but no
-- snapshot. A configured account never seen yet has no row (its id is unknown).

with

configured as (

    select
        brand_id,
        platform,
        account_handle
    from {{ ref('stg_reference__brand_accounts') }}

),

observed as (

    select
        brand_id,
        platform,
        account_id,
        snapshot_date as seen_on
    from {{ ref('int_account_snapshots_unioned') }}

    union all

    select
        brand_id,
        platform,
        account_id,
        created_date as seen_on
    from {{ ref('int_posts_unioned') }}

),

ranked as (

    select
        configured.brand_id,
        configured.platform,
        observed.account_id,
        configured.account_handle,
        row_number() over (
            partition by configured.brand_id, configured.platform
            order by observed.seen_on desc, observed.account_id asc
        ) as recency_rank
    from configured
    inner join observed
        on
            configured.brand_id = observed.brand_id
            and configured.platform = observed.platform

)

select
    brand_id,
    platform,
    account_id,
    account_handle
from ranked
where recency_rank = 1
