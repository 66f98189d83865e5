{#- Platforms: which staging models exist (var platforms) and which metrics each reports
    (var platform_metrics), both in dbt_project.yml. -#}

{#- Union the staging model of one entity over every platform, on an explicit column list.
    entity is the plural used in the model names (posts, comments, mentions, account_snapshots). -#}
{% macro union_platforms(entity, columns) -%}
    {%- for platform in var('platforms') %}
    select
        {%- for column in columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ platform ~ '__' ~ entity) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- A boolean SQL expression: does the platform in platform_column report this metric
    (likes, shares, replies, views)? -#}
{% macro platform_reports(platform_column, metric) -%}
    {%- set reporting = [] -%}
    {%- for platform, metrics in var('platform_metrics').items() -%}
        {%- if metric in metrics -%}
            {%- do reporting.append("'" ~ platform ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if reporting -%}
        ({{ platform_column }} in ({{ reporting | join(', ') }}))
    {%- else -%}
        (1 = 0)
    {%- endif -%}
{%- endmacro %}
