{#- dbt unit tests' fixtures on both engines. (SQL fixtures are rendered when the YAML is parsed, without
    the project's macros: they switch on target.type, e.g. _customer_care.yml's business_days.) -#}

{#- dbt's safe_cast on Spark (overrides dbt-spark's, for this project): a dict fixture's list value is
    written the DuckDB way, "['a', 'b']" (which DuckDB casts from a string); dbt-spark pastes such a
    value unquoted into cast(... as array<string>), where Spark needs array('a', 'b'). Other values
    are cast as dbt-spark casts them. -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set complex_type = type.lower().startswith('array') or type.lower().startswith('struct')
        or type.lower().startswith('map') -%}
    {%- set field_clean = field -%}
    {%- if complex_type and field is string -%}
        {%- set field_clean = field.strip('"').strip("'").replace("\\'", "'") -%}
        {%- if field_clean.startswith('[') and field_clean.endswith(']') -%}
            {%- set field_clean = 'array(' ~ field_clean[1:-1] ~ ')' -%}
        {%- endif -%}
    {%- endif -%}
    cast({{ field_clean }} as {{ type }})
{%- endmacro %}
