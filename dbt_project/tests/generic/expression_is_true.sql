{#- Fails with the rows where the boolean SQL expression is false (rows where it is NULL pass, so
    write `coalesce(...)` or `is not distinct from` when NULL must fail). -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
