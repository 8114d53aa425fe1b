{#- Every row of `source_model` appears exactly once in `model`, matched on `keys`, and `model`
    holds no row that is not in `source_model`. -#}
{% test classified_exactly_once(model, source_model, keys) %}
with classified as (
    select {{ keys | join(', ') }}, count(*) as n from {{ model }} group by all
),
source as (
    select {{ keys | join(', ') }} from {{ source_model }}
)
select s.*, coalesce(c.n, 0) as times_classified
from source as s
left join classified as c using ({{ keys | join(', ') }})
where coalesce(c.n, 0) <> 1
union all by name
select c.*, c.n as times_classified
from classified as c
anti join source as s using ({{ keys | join(', ') }})
{% endtest %}
