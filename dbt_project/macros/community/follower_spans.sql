{#- Each account snapshot with the day the next one starts: the followers "at" a day are those of the
    latest snapshot on or before it (join on date >= snapshot_date and before next_snapshot_date).
    Reads every snapshot up to the range's end, whatever the range's start. -#}
{% macro follower_spans() -%}
    select
        platform,
        account_id,
        snapshot_date,
        followers,
        lead(snapshot_date) over (
            partition by platform, account_id order by snapshot_date
        ) as next_snapshot_date
    from {{ ref('int_account_snapshots_unioned') }}
    where {{ in_partition_range('partition_date', unbounded_start=true) }}
{%- endmacro %}
