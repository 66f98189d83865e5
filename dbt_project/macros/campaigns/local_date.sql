{#- The local calendar day, in the IANA time zone held by tz (a column or a quoted literal), of a plain
    UTC timestamp (as in the staging models' *_at columns). Daylight saving is applied per instant:
    2026-11-01T23:30 UTC is 2026-11-02 in Europe/Paris (UTC+1 in winter). -#}
{% macro local_date(utc_timestamp, tz) -%}
    {{ return(adapter.dispatch('local_date')(utc_timestamp, tz)) }}
{%- endmacro %}

{% macro default__local_date(utc_timestamp, tz) -%}
    cast(timezone({{ tz }}, timezone('UTC', {{ utc_timestamp }})) as date)
{%- endmacro %}

{% macro spark__local_date(utc_timestamp, tz) -%}
    to_date(from_utc_timestamp({{ utc_timestamp }}, {{ tz }}))
{%- endmacro %}
