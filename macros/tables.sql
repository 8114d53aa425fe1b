{#- Helpers for marts in SERVIR 2016 Table 9's shape (one column per government level). -#}

{% macro counts_by_government_level(counted, level='effective_government_level') -%}
    {#- Count of non-null `counted` per government level (national, regional, local, no level) and
        in all, as the columns national, regional, local, unknown_level, total. -#}
    count({{ counted }}) filter (where {{ level }} = 'national') as national,
    count({{ counted }}) filter (where {{ level }} = 'regional') as regional,
    count({{ counted }}) filter (where {{ level }} = 'local') as local,
    count({{ counted }}) filter (where {{ level }} is null) as unknown_level,
    count({{ counted }}) as total
{%- endmacro %}
