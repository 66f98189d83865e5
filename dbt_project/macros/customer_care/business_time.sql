{#- Local time and business time for the customer-care and community marts.
    Timestamps in the warehouse are plain UTC timestamps (macro to_utc_timestamp); a brand's timezone
    is an IANA name (stg_reference__brands.timezone). Business hours are a list of weekday
    abbreviations (mon..sun) and local 'HH:MM' start and end strings, as in brands.yaml.
    Written for DuckDB (the default__ implementations use plain SQL plus DuckDB's list functions);
    each dialect-specific piece is dispatched so a Spark version can be added beside it. -#}

{#- A UTC timestamp as the wall-clock time in the timezone named by tz (a column or a quoted literal). -#}
{% macro utc_to_local(utc_timestamp, tz) -%}
    {{ return(adapter.dispatch('utc_to_local')(utc_timestamp, tz)) }}
{%- endmacro %}

{% macro default__utc_to_local(utc_timestamp, tz) -%}
    timezone({{ tz }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro spark__utc_to_local(utc_timestamp, tz) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ tz }})
{%- endmacro %}


{#- ISO weekday of a timestamp or date: 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(value) -%}
    {{ return(adapter.dispatch('iso_weekday')(value)) }}
{%- endmacro %}

{% macro default__iso_weekday(value) -%}
    cast(extract(isodow from {{ value }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(value) -%}
    cast(((dayofweek({{ value }}) + 5) % 7) + 1 as integer)
{%- endmacro %}


{#- The weekday abbreviation used in brands.yaml (mon..sun) of a timestamp or date. -#}
{% macro weekday_abbreviation(value) -%}
    (case {{ iso_weekday(value) }}
        when 1 then 'mon' when 2 then 'tue' when 3 then 'wed' when 4 then 'thu'
        when 5 then 'fri' when 6 then 'sat' when 7 then 'sun'
    end)
{%- endmacro %}


{#- Minutes since local midnight of a plain timestamp, with fractions (seconds count). -#}
{% macro minute_of_day(value) -%}
    {{ return(adapter.dispatch('minute_of_day')(value)) }}
{%- endmacro %}

{% macro default__minute_of_day(value) -%}
    ((epoch({{ value }}) - epoch(date_trunc('day', {{ value }}))) / 60.0)
{%- endmacro %}

{#- Spark: microseconds since the (plain, UTC-session) timestamp's midnight, as minutes with fractions. -#}
{% macro spark__minute_of_day(value) -%}
    ((unix_micros({{ value }}) - unix_micros(date_trunc('DAY', {{ value }}))) / 60000000.0)
{%- endmacro %}


{#- Does an array (a list column) hold a value? DuckDB list_contains, Spark array_contains. -#}
{% macro array_holds(array, value) -%}
    {{ return(adapter.dispatch('array_holds')(array, value)) }}
{%- endmacro %}

{% macro default__array_holds(array, value) -%}
    list_contains({{ array }}, {{ value }})
{%- endmacro %}

{% macro spark__array_holds(array, value) -%}
    array_contains({{ array }}, {{ value }})
{%- endmacro %}


{#- Minutes since midnight of an 'HH:MM' string. -#}
{% macro hhmm_minutes(value) -%}
    {{ return(adapter.dispatch('hhmm_minutes')(value)) }}
{%- endmacro %}

{% macro default__hhmm_minutes(value) -%}
    (cast(split_part({{ value }}, ':', 1) as integer) * 60 + cast(split_part({{ value }}, ':', 2) as integer))
{%- endmacro %}


{#- Does a UTC timestamp fall within the business hours (local days and [start, end) times)?
    NULL when the brand has no business hours configured. -#}
{% macro is_in_business_hours(utc_timestamp, tz, business_days, business_start, business_end) -%}
    {%- set local = utc_to_local(utc_timestamp, tz) -%}
    (case
        when {{ business_days }} is null or {{ business_start }} is null or {{ business_end }} is null
            or {{ utc_timestamp }} is null then null
        else
            {{ array_holds(business_days, weekday_abbreviation(local)) }}
            and {{ minute_of_day(local) }} >= {{ hhmm_minutes(business_start) }}
            and {{ minute_of_day(local) }} < {{ hhmm_minutes(business_end) }}
    end)
{%- endmacro %}


{#- Business minutes elapsed from start_utc to end_utc (a double): the time inside the brand's business
    hours, read in its timezone, day by day on the local calendar (weekends and nights do not count).
    0 when end is before start; NULL when either end is NULL or the brand has no business hours.
    Local wall-clock arithmetic: a daylight-saving change inside business hours would be off by its
    hour (none happens in practice: clocks change at night). -#}
{% macro business_minutes_between(start_utc, end_utc, tz, business_days, business_start, business_end) -%}
    {%- set local_start = utc_to_local(start_utc, tz) -%}
    {%- set local_end = utc_to_local(end_utc, tz) -%}
    (case
        when {{ start_utc }} is null or {{ end_utc }} is null or {{ business_days }} is null
            or {{ business_start }} is null or {{ business_end }} is null then null
        when {{ end_utc }} <= {{ start_utc }} then cast(0 as {{ type_double() }})
        else {{ business_minutes_summed(local_start, local_end, business_days, business_start, business_end) }}
    end)
{%- endmacro %}


{#- The business minutes of one local day (a DATE) of the span local_start..local_end (local timestamps). -#}
{% macro business_minutes_on_day(business_day, local_start, local_end, business_days, business_start, business_end) -%}
    case
        when {{ array_holds(business_days, weekday_abbreviation(business_day)) }} then greatest(
            0,
            least(
                case
                    when cast({{ business_day }} as date) = cast({{ local_end }} as date)
                        then {{ minute_of_day(local_end) }}
                    else 1440
                end,
                {{ hhmm_minutes(business_end) }}
            )
            - greatest(
                case
                    when cast({{ business_day }} as date) = cast({{ local_start }} as date)
                        then {{ minute_of_day(local_start) }}
                    else 0
                end,
                {{ hhmm_minutes(business_start) }}
            )
        )
        else 0
    end
{%- endmacro %}


{#- The sum of business_minutes_on_day over every local day of the span, as a double. -#}
{% macro business_minutes_summed(local_start, local_end, business_days, business_start, business_end) -%}
    {{ return(adapter.dispatch('business_minutes_summed')(local_start, local_end, business_days, business_start, business_end)) }}
{%- endmacro %}

{% macro default__business_minutes_summed(local_start, local_end, business_days, business_start, business_end) -%}
    cast(coalesce(list_sum(list_transform(
        generate_series(cast({{ local_start }} as date), cast({{ local_end }} as date), interval 1 day),
        lambda business_day: {{ business_minutes_on_day('business_day', local_start, local_end, business_days, business_start, business_end) }}
    )), 0) as {{ type_double() }})
{%- endmacro %}

{#- Spark: sequence / transform / aggregate and a lambda (x -> ...). -#}
{% macro spark__business_minutes_summed(local_start, local_end, business_days, business_start, business_end) -%}
    aggregate(transform(
        sequence(cast({{ local_start }} as date), cast({{ local_end }} as date), interval 1 day),
        business_day -> cast({{ business_minutes_on_day('business_day', local_start, local_end, business_days, business_start, business_end) }} as {{ type_double() }})
    ), cast(0 as {{ type_double() }}), (total, minutes) -> total + minutes)
{%- endmacro %}


{#- The comment days the customer-care marts re-derive on each run: the range widened by
    var('care_lookback_days') (default 7, the connectors' SOCIAL_COMMENT_LOOKBACK_DAYS), so that
    replies arriving days later reach the rows of the comments they answer. -#}
{% macro care_lookback_days() -%}
    {{ return(var('care_lookback_days', 7) | int) }}
{%- endmacro %}


{#- A predicate keeping the partitions from the range's start (widened by lookback_days) onwards,
    with no end: later partitions hold later replies. Always true without the vars. -#}
{% macro on_or_after_range_start(column, lookback_days=0) -%}
    {%- set range = partition_range() -%}
    {%- if range is none -%}
        (1 = 1)
    {%- else -%}
        ({{ column }} >= {{ date_literal(range.start - modules.datetime.timedelta(days=lookback_days)) }})
    {%- endif -%}
{%- endmacro %}


{#- The median of a numeric expression, as an aggregate (dispatched). -#}
{% macro median_of(expression) -%}
    {{ return(adapter.dispatch('median_of')(expression)) }}
{%- endmacro %}

{% macro default__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median_of(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}


{#- Wall-clock minutes from one timestamp to another (a double, with fractions of a minute); dispatched. -#}
{% macro minutes_between(start_timestamp, end_timestamp) -%}
    {{ return(adapter.dispatch('minutes_between')(start_timestamp, end_timestamp)) }}
{%- endmacro %}

{% macro default__minutes_between(start_timestamp, end_timestamp) -%}
    ((epoch({{ end_timestamp }}) - epoch({{ start_timestamp }})) / 60.0)
{%- endmacro %}

{% macro spark__minutes_between(start_timestamp, end_timestamp) -%}
    ((unix_micros({{ end_timestamp }}) - unix_micros({{ start_timestamp }})) / 60000000.0)
{%- endmacro %}
