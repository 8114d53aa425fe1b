{#- Top Public Management is a subset of the public managers group: no TPM row that is not PM. -#}
{% test tpm_subset_of_pm(model, tpm_column='is_tpm', group_column='servant_group') %}
select * from {{ model }} where {{ tpm_column }} and {{ group_column }} is distinct from 'PM'
{% endtest %}
