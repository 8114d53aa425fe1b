{#- Rows whose combination of `columns` repeats (dbt_utils.unique_combination_of_columns is not
    available offline). Grouping on one hash of the combination first is cheaper than grouping on
    the text columns (position-level tables, scale 127); only the combinations whose hash repeats,
    normally none, are then grouped on the columns themselves, so two combinations that merely
    share a hash are not reported. -#}
{% test unique_combination(model, columns) %}
{%- set combination = columns | join(', ') %}
with repeated_hashes as (
    select hash({{ combination }}) as combination_hash
    from {{ model }}
    group by 1
    having count(*) > 1
)
select {{ combination }}, count(*) as n
from {{ model }}
where hash({{ combination }}) in (select combination_hash from repeated_hashes)
group by {{ combination }}
having count(*) > 1
{% endtest %}
