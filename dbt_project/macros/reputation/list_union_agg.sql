{#- Aggregate: the sorted distinct elements of every list in a group (the union of the lists). -#}
{% macro list_union_agg(column) -%}
    {{ return(adapter.dispatch('list_union_agg')(column)) }}
{%- endmacro %}

{% macro default__list_union_agg(column) -%}
    list_sort(list_distinct(flatten(list({{ column }}))))
{%- endmacro %}

{% macro spark__list_union_agg(column) -%}
    array_sort(array_distinct(flatten(collect_list({{ column }}))))
{%- endmacro %}
