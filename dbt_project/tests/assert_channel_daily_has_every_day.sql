-- Every brand account has a row for every day between its first and its last day in the table, days
-- without posts included. Fails with the accounts that have gaps.

with

per_account as (

    select
        brand_id,
        platform,
        account_id,
        count(*) as days_present,
        min(date) as first_day,
        max(date) as last_day
    from {{ ref('fct_channel_daily') }}
    group by brand_id, platform, account_id

)

select *
from per_account
where days_present != ({{ dbt.datediff('first_day', 'last_day', 'day') }}) + 1
