{#- expression_is_true for several expressions of one model in one test node instead of one node
    per expression (a node costs ~40 ms of dbt's own time whatever the table's size). A failure row
    is a row of the model where an expression is not true, led by that expression
    (failed_expression), so the analyst sees which rule the row breaks; a row breaking two
    expressions appears twice, as it failed two tests before. -#}
{% test expressions_are_true(model, expressions) %}
{%- for expression in expressions %}
select '{{ expression | replace("'", "''") }}' as failed_expression, *
from {{ model }}
where not coalesce(({{ expression }}), false)
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
