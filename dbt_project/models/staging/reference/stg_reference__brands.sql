with

source as (

    select * from {{ source('reference', 'brands') }}

)

select
    cast(brand_id as {{ dbt.type_string() }}) as brand_id,
    cast(brand_name as {{ dbt.type_string() }}) as brand_name,
    cast(role as {{ dbt.type_string() }}) as role,
    coalesce(role = 'client', false) as is_client,
    cast(timezone as {{ dbt.type_string() }}) as timezone,
    cast(sla_hours as {{ type_double() }}) as sla_hours,
    business_days,
    cast(business_start as {{ dbt.type_string() }}) as business_start,
    cast(business_end as {{ dbt.type_string() }}) as business_end
from source
