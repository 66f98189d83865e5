-- The intraday listening's alert events (one unpartitioned file, rewritten whole by the sensor). The
-- payload column, the alert as sent with member text and post links, is left out on purpose.

with

source as (

    select * from {{ source('listening', 'alerts') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(incident_id as {{ dbt.type_string() }}) as incident_id,
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(action as {{ dbt.type_string() }}) as alert_action,
        cast(brand_id as {{ dbt.type_string() }}) as brand_id,
        {{ to_utc_timestamp(adapter.quote('at')) }} as event_at,
        platforms,
        cast(volume as {{ dbt.type_bigint() }}) as volume,
        cast(baseline as {{ type_double() }}) as baseline,
        cast(threshold as {{ type_double() }}) as threshold,
        cast(summary as {{ dbt.type_string() }}) as alert_summary,
        cast(incident_status as {{ dbt.type_string() }}) as incident_status,
        cast(delivered_to as {{ dbt.type_string() }}) as delivered_to,
        {{ to_utc_timestamp('delivered_at') }} as delivered_at
    from source

)

select * from renamed
