{#- The PM count of `model` equals the PS + S + OS positions of `roles_model`, per `group_by`.
    Used to tie Table 9/12 shaped marts to the role breakdown. In an incremental run both sides are
    the batch's rows (macros/batch.sql). -#}
{% test pm_equals_sum_of_roles(model, pm_column, roles_model, count_column, group_by, where='true') %}
with pm as (
    select {{ group_by | join(', ') }}, sum({{ pm_column }}) as pm
    from {{ model }} where {{ where }} group by all
),
roles as (
    select {{ group_by | join(', ') }}, sum({{ count_column }}) as role_total
    from {{ batch_test_rows(roles_model) }} where role in ('PS', 'S', 'OS') group by all
)
select *
from pm full outer join roles using ({{ group_by | join(', ') }})
where coalesce(pm.pm, 0) <> coalesce(roles.role_total, 0)
{% endtest %}
