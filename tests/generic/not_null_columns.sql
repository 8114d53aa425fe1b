{#- dbt's not_null for several columns of one model in one test node instead of one node per column
    (a node costs ~40 ms of dbt's own time whatever the table's size). A failure row names the
    column (column_name) and how many rows have it null (null_rows); dbt's "Got N results" counts
    the null rows, as the one-column tests did. One `where ... is null` per column, not one scan
    counting every column: DuckDB skips a column whose statistics say it holds no null, so a
    passing column costs nothing. `model` is already filtered by the test's `where`
    (macros/batch.sql). -#}
{% test not_null_columns(model, columns) %}
{{ config(fail_calc='coalesce(sum(null_rows), 0)') }}
{%- for column in columns %}
select '{{ column }}' as column_name, count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
