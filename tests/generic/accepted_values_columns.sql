{#- dbt's accepted_values for several columns of one model in one test node (a node costs ~40 ms
    of dbt's own time whatever the table's size). `columns` lists {column, values, quote} items with
    the meaning of accepted_values' arguments: null passes, quote (default true) writes the values
    as text literals. A failure row names the column (column_name), the value found (value_field)
    and its rows (n_records), one row per column and value, as accepted_values gave one per value. -#}
{% test accepted_values_columns(model, columns) %}
{%- for item in columns %}
{%- set quote = item.get('quote', true) %}
select '{{ item.column }}' as column_name, cast({{ item.column }} as varchar) as value_field, count(*) as n_records
from {{ model }}
where {{ item.column }} not in (
    {%- for value in item['values'] -%}
        {%- if quote %}'{{ value | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{{ ', ' if not loop.last }}
    {%- endfor -%}
)
group by {{ item.column }}
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
