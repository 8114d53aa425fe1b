{#- Every PM has exactly one of the three roles and nobody else has a role, so PM = PS + S + OS. -#}
{% test role_only_for_pm(model, role_column='role', group_column='servant_group') %}
select *
from {{ model }}
where ({{ group_column }} = 'PM') <> coalesce({{ role_column }} in ('PS', 'S', 'OS'), false)
{% endtest %}
