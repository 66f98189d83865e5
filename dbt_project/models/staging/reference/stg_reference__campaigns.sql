with

source as (

    select * from {{ source('reference', 'campaigns') }}

)

select
    cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
    cast(brand_id as {{ dbt.type_string() }}) as brand_id,
    hashtags,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date
from source
