{% macro labor_regime_known(labor_regime) -%}
    {#- The registry says under which labor regime this position is held (D. Leg. 276, CAS, the Public
        Managers Corps, ...). A registry with no such column (the gob.pe directory) has no labor-regime
        data: its Public Managers Corps counts and shares are "sin dato", never 0. -#}
    ({{ labor_regime }} is not null)
{%- endmacro %}
