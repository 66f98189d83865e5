with

source as (

    select * from {{ source('reference', 'competitive_groups') }}

)

select
    cast(group_id as {{ dbt.type_string() }}) as group_id,
    cast(brand_id as {{ dbt.type_string() }}) as brand_id,
    coalesce(cast(is_client as {{ dbt.type_boolean() }}), false) as is_client
from source
