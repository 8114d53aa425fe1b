{#- Rows whose combination of `columns` repeats (dbt_utils.unique_combination_of_columns is not
    available offline). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
