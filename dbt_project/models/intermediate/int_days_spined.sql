-- Every UTC day from the first to the last day holding data in the lake. It does not read the vars:
-- marts building a range generate the range's days themselves (macro days_in_range).

with

data_days as (

    select
        min(partition_date) as first_day,
        max(partition_date) as last_day
    from {{ ref('int_posts_unioned') }}

    union all

    select
        min(partition_date) as first_day,
        max(partition_date) as last_day
    from {{ ref('int_comments_unioned') }}

    union all

    select
        min(partition_date) as first_day,
        max(partition_date) as last_day
    from {{ ref('int_mentions_unioned') }}

    union all

    select
        min(partition_date) as first_day,
        max(partition_date) as last_day
    from {{ ref('int_account_snapshots_unioned') }}

),

bounds as (

    select
        min(first_day) as first_day,
        max(last_day) as last_day
    from data_days

)

select {{ generate_days('first_day', 'last_day') }} as date
from bounds
