{#- Materialization `snapshot_rows`: a table holding every snapshot ever built, whose batch's rows
    (macros/batch.sql) a build replaces. What the marts and int_position_history use.

    - Full build (--full-refresh), or no table yet: the table is made from the model's rows
      (create or replace: DuckDB swaps it inside the transaction).
    - Incremental build: every row of the snapshots this run replaces (replaced_snapshots(),
      macros/batch.sql: the batch, and any snapshot this run staged) is deleted, then the model's
      rows are inserted straight from its query, in one transaction (a failed insert rolls the
      delete back).

    Why not dbt's `incremental` materialization: it writes the model's rows into a temporary table,
    then copies them into the target, and queries the catalog three times to compare the two. At
    scale 127 mart_valuation alone (1.35 M rows a snapshot) paid ~1.5 s for the copy, and each of
    some forty small marts ~0.05 s of catalog queries; dbt-duckdb also keeps each temporary table
    until the end of the run (it drops them only on MotherDuck).

    A model's columns change only with the code, and a code change forces a full build
    (pipelines.refresh.kind): columns (names, order or types) that differ from the table's in an
    incremental run are a bug, and the run fails (as on_schema_change 'fail' did). -#}

{% materialization snapshot_rows, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if snapshot_rows_incremental(existing_relation) -%}
        {%- do snapshot_rows_check_columns(target_relation, compiled_code) -%}
        {%- call statement('main') -%}
            delete from {{ target_relation }} where snapshot in ({{ replaced_snapshots() }});
            insert into {{ target_relation }} select * from (
                {{ compiled_code }}
            ) as model_rows
        {%- endcall -%}
    {%- else -%}
        {%- call statement('main') -%}
            create or replace table {{ target_relation }} as (
                {{ compiled_code }}
            )
        {%- endcall -%}
    {%- endif %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% macro snapshot_rows_incremental(existing_relation=none) -%}
    {#- Whether this model replaces some snapshots' rows of a table that holds other snapshots too:
        dbt's is_incremental() for this materialization (that one answers for `incremental` only).
        batch_rows() (macros/batch.sql) and mart_history_trends read it. -#}
    {%- if not execute or should_full_refresh() or config.get('materialized') != 'snapshot_rows' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = existing_relation if existing_relation is not none
                       else adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {{ return(relation is not none and relation.type == 'table') }}
{%- endmacro %}


{% macro snapshot_rows_check_columns(target_relation, select_sql) -%}
    {#- The model's columns (its query described, not run) against the table's, by name, order and
        type: the rows are then inserted by position. -#}
    {%- set model_columns = [] -%}
    {%- for column in adapter.get_column_schema_from_query(select_sql) -%}
        {%- do model_columns.append(column.name | lower ~ ' ' ~ column.dtype | upper) -%}
    {%- endfor -%}
    {%- set table_columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(target_relation) -%}
        {%- do table_columns.append(column.name | lower ~ ' ' ~ column.dtype | upper) -%}
    {%- endfor -%}
    {%- if model_columns != table_columns -%}
        {{ exceptions.raise_compiler_error(
            "The columns of " ~ this ~ " differ from its table's (model: " ~ model_columns | join(', ')
            ~ "; table: " ~ table_columns | join(', ') ~ "). A change of columns needs a full build "
            ~ "(servir-pm build, or dbt build --full-refresh).") }}
    {%- endif -%}
{%- endmacro %}
