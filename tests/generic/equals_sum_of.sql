{#- `column` of `model` equals the sum of `other_column` over `other_model`, per `group_by` (rows
    filtered by `where` and `other_where`): a headline figure ties to the detailed mart it summarizes.
    In an incremental run both sides are the batch's rows (macros/batch.sql). -#}
{% test equals_sum_of(model, column_name, other_model, other_column, group_by, where='true', other_where='true') %}
with this as (
    select {{ group_by | join(', ') }}, sum({{ column_name }}) as figure
    from {{ model }} where {{ where }} group by all
),
other as (
    select {{ group_by | join(', ') }}, sum({{ other_column }}) as parts
    from {{ batch_test_rows(other_model) }} where {{ other_where }} group by all
)
select *
from this inner join other using ({{ group_by | join(', ') }})
where coalesce(this.figure, 0) <> coalesce(other.parts, 0)
{% endtest %}
