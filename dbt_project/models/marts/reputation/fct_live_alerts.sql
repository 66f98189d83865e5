{{ config(materialized='table', partition_by=none) }}

-- The intraday listening's incidents as the dashboards show them: one row per incident (bad buzz or live
-- care SLA) of the alerts table, rolled up from its alert events. The peak is the alert event with the
-- largest volume (the earliest of equals), with the baseline and threshold of that moment; the latest
-- summary is that of the last event (close after update after open at the same moment). Rebuilt whole at
-- each run: the table is small and the sensor rewrites it between runs.

with

events as (

    select
        incident_id,
        kind,
        brand_id,
        alert_action,
        event_at,
        platforms,
        volume,
        baseline,
        threshold,
        alert_summary,
        incident_status,
        case alert_action when 'open' then 0 when 'update' then 1 else 2 end as action_order
    from {{ ref('stg_listening__alerts') }}

),

ranked as (

    select
        incident_id,
        volume,
        baseline,
        threshold,
        alert_summary,
        incident_status,
        row_number() over (
            partition by incident_id order by event_at desc, action_order desc
        ) as latest_rank,
        row_number() over (
            partition by incident_id order by coalesce(volume, -1) desc, event_at asc, action_order asc
        ) as peak_rank
    from events

),

incidents as (

    select
        incident_id,
        brand_id,
        kind,
        min(case when alert_action = 'open' then event_at end) as opened_at,
        max(event_at) as last_event_at,
        min(case when alert_action = 'close' then event_at end) as closed_at,
        sum(case when alert_action = 'update' then 1 else 0 end) as updates,
        {{ list_union_agg('platforms') }} as platforms
    from events
    group by incident_id, brand_id, kind

)

select
    incidents.incident_id,
    incidents.brand_id,
    incidents.kind,
    cast(incidents.opened_at as date) as date,
    incidents.opened_at,
    incidents.last_event_at,
    incidents.closed_at,
    latest.incident_status as status,
    incidents.platforms,
    peak.volume as peak_volume,
    peak.baseline as baseline_at_peak,
    peak.threshold as threshold_at_peak,
    cast(incidents.updates as {{ dbt.type_bigint() }}) as updates,
    latest.alert_summary as latest_summary
from incidents
inner join ranked as latest
    on
        incidents.incident_id = latest.incident_id
        and latest.latest_rank = 1
inner join ranked as peak
    on
        incidents.incident_id = peak.incident_id
        and peak.peak_rank = 1
