{#- The UTC days being materialised: vars start_date and end_date (inclusive, 'YYYY-MM-DD').
    Both or neither; without them the whole history is built. Only marts read these vars: staging
    and intermediate views must not depend on them (a view keeps the SQL of the run that built it). -#}

{% macro partition_range() -%}
    {%- set start = var('start_date', none) -%}
    {%- set end = var('end_date', none) -%}
    {%- if (start is none) != (end is none) -%}
        {{ exceptions.raise_compiler_error("Pass both vars start_date and end_date (inclusive UTC days) or neither; got start_date=" ~ start ~ ", end_date=" ~ end) }}
    {%- endif -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parsed = [] -%}
    {%- for value in [start, end] -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error("start_date and end_date must be 'YYYY-MM-DD', got " ~ text) }}
        {%- endif -%}
        {%- do parsed.append(modules.datetime.date.fromisoformat(text)) -%}
    {%- endfor -%}
    {%- if parsed[0] > parsed[1] -%}
        {{ exceptions.raise_compiler_error("start_date " ~ parsed[0] ~ " is after end_date " ~ parsed[1]) }}
    {%- endif -%}
    {{ return({'start': parsed[0], 'end': parsed[1]}) }}
{%- endmacro %}


{% macro date_literal(value) -%}
    cast('{{ value }}' as date)
{%- endmacro %}


{#- A predicate keeping the days of the range, widened by lookback_days before its start (e.g. 1 to
    read the previous day); unbounded_start keeps every day up to the end. Always true without vars. -#}
{% macro in_partition_range(column, lookback_days=0, unbounded_start=false) -%}
    {%- set range = partition_range() -%}
    {%- if range is none -%}
        (1 = 1)
    {%- elif unbounded_start -%}
        ({{ column }} <= {{ date_literal(range.end) }})
    {%- else -%}
        {%- set start = range.start - modules.datetime.timedelta(days=lookback_days) -%}
        ({{ column }} >= {{ date_literal(start) }} and {{ column }} <= {{ date_literal(range.end) }})
    {%- endif -%}
{%- endmacro %}


{#- The days a mart builds, as a query with one column `date`: the vars' range, or the whole
    history (int_days_spined). Models calling it declare `-- depends_on: {{ ref('int_days_spined') }}`
    so the DAG does not change with the vars. -#}
{% macro days_in_range() -%}
    {%- set range = partition_range() -%}
    {%- if range is none -%}
        select spine.date from {{ ref('int_days_spined') }} as spine
    {%- else -%}
        select {{ generate_days(date_literal(range.start), date_literal(range.end)) }} as date
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of the incremental marts: clear the days about to be rebuilt, so a re-run of a range
    gives exactly the rows of a fresh build (also rows that no longer exist upstream), and days
    outside the range are never touched. Without vars the whole history is rebuilt. -#}
{% macro delete_partition_range(date_column='date') -%}
    {{ return(adapter.dispatch('delete_partition_range')(date_column)) }}
{%- endmacro %}

{% macro default__delete_partition_range(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_partition_range(date_column) }}
    {%- endif -%}
{%- endmacro %}

{#- Spark: insert_overwrite (partition_by date, dynamic partition overwrite) replaces the days the run
    writes; dropping the range's partitions first also clears a day that no longer has rows, as the
    delete does on DuckDB. Without vars the whole history is rebuilt: the table is emptied. -#}
{% macro spark__delete_partition_range(date_column) -%}
    {%- if is_incremental() -%}
        {%- set days = partition_range() -%}
        {%- if days is none -%}
            truncate table {{ this }}
        {%- else -%}
            {%- set specs = [] -%}
            {%- for offset in range((days.end - days.start).days + 1) -%}
                {%- do specs.append("partition (" ~ adapter.quote(date_column) ~ " = '"
                    ~ (days.start + modules.datetime.timedelta(days=offset)) ~ "')") -%}
            {%- endfor -%}
            alter table {{ this }} drop if exists {{ specs | join(', ') }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Does the incremental strategy replace whole date partitions (Spark's insert_overwrite), rather than
    rows by key (delete+insert)? A mart writing days outside the range (a lookback) must then write
    every row of those days. -#}
{% macro replaces_whole_partitions() -%}
    {{ return(adapter.dispatch('replaces_whole_partitions')()) }}
{%- endmacro %}

{% macro default__replaces_whole_partitions() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro spark__replaces_whole_partitions() -%}
    {{ return(true) }}
{%- endmacro %}
