with

source as (

    select * from {{ source('reference', 'brand_accounts') }}

)

select
    cast(brand_id as {{ dbt.type_string() }}) as brand_id,
    cast(platform as {{ dbt.type_string() }}) as platform,
    cast(account_handle as {{ dbt.type_string() }}) as account_handle
from source
