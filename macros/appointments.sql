{% macro appointment_known(appointment_type) -%}
    {#- The registry says how this position was filled (appointed, merit, vacant, ...). A registry with no
        such row (the gob.pe directory) has no appointment data: its appointed counts, shares and cap
        checks are null ("sin dato"), never 0. -#}
    ({{ appointment_type }} is not null and {{ appointment_type }} <> 'unknown')
{%- endmacro %}
