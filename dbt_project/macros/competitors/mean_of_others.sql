{#- The mean of a metric over the OTHER members of a group with a known value, from the group's sum
    and count (window aggregates) minus the member's own value; NULL when no other member has one.
    exact: the group sum is an exact decimal (ratios), so the member's value is subtracted as one too,
    and a range rebuild gives bit-identical rows. -#}
{% macro mean_of_others(group_sum, group_count, own, exact=false) -%}
    {%- set own_value = "cast(coalesce(" ~ own ~ ", 0) as decimal(38, 12))" if exact else "coalesce(" ~ own ~ ", 0)" -%}
    cast({{ group_sum }} - {{ own_value }} as {{ type_double() }})
    / cast(
        nullif({{ group_count }} - case when {{ own }} is null then 0 else 1 end, 0)
        as {{ type_double() }}
    )
{%- endmacro %}
