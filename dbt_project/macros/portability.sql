{#- Small dialect differences, dispatched (DuckDB today, Spark in a later issue). -#}

{#- A set-returning expression: one DATE per day from start_date to end_date inclusive. -#}
{% macro generate_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('generate_days')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__generate_days(start_date, end_date) -%}
    cast(unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date)
{%- endmacro %}

{% macro spark__generate_days(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day))
{%- endmacro %}


{#- A UTC `timestamp with time zone` as a plain timestamp in UTC (its UTC day is then a plain cast). -#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(column) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}


{#- A double precision float (dbt.type_float() is a 4-byte FLOAT on DuckDB and Spark). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}


{#- numerator / denominator x 100 as a double, NULL when the denominator is NULL or 0. -#}
{% macro pct(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) * 100 / cast(nullif({{ denominator }}, 0) as {{ type_double() }})
{%- endmacro %}
