{#- A view of the warehouse names the relations it reads without their catalog: DuckDB then binds
    them in the file the view is stored in, whatever name that file is opened or attached under (a
    refresh builds data/.work/refresh-<run>/warehouse.duckdb and publishes it elsewhere; an analyst
    may ATTACH it AS anything). dbt renders ref() as "warehouse"."main"."x", which would tie the
    view to the catalog it was built in. -#}
{% macro local_ref(name) -%}
    {%- set relation = ref(name) -%}
    {%- if relation.include is defined -%}{{ relation.include(database=false) }}{%- else -%}{{ relation }}{%- endif -%}
{%- endmacro %}
