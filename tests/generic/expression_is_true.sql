{#- Rows where `expression` is not true (dbt_utils.expression_is_true is not available offline). -#}
{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not coalesce(({{ expression }}), false)
{% endtest %}
