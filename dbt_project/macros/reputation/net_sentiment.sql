{#- Net sentiment: (positive - negative) / (positive + negative), a double in [-1, 1]; NULL when
    positive + negative is 0 (nothing but neutral items, or none at all). -#}
{% macro net_sentiment(positive, negative) -%}
    cast(({{ positive }}) - ({{ negative }}) as {{ type_double() }})
    / cast(nullif(({{ positive }}) + ({{ negative }}), 0) as {{ type_double() }})
{%- endmacro %}


{#- Member text as a mart may show it: @handles (and Reddit's u/name) replaced, since a member of the
    public must never appear under a real handle in a mart. Tracked brands' handles go too: the
    brand is a column of its own. -#}
{% macro redact_handles(text) -%}
    {{ return(adapter.dispatch('redact_handles')(text)) }}
{%- endmacro %}

{% macro default__redact_handles(text) -%}
    regexp_replace(
        regexp_replace({{ text }}, '@[A-Za-z0-9_.\-]+(@[A-Za-z0-9_.\-]+)?', '@member', 'g'),
        '(^|[^A-Za-z0-9_/])u/[A-Za-z0-9_\-]+', '\1u/member', 'g'
    )
{%- endmacro %}

{#- Spark: regexp_replace replaces every match (its 4th argument is a position, not flags), the
    replacement names a group as $1, and the patterns avoid backslashes (string-literal escapes). -#}
{% macro spark__redact_handles(text) -%}
    regexp_replace(
        regexp_replace({{ text }}, '@[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?', '@member'),
        '(^|[^A-Za-z0-9_/])u/[A-Za-z0-9_-]+', '$1u/member'
    )
{%- endmacro %}
