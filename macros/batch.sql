{#- Incremental history (issue 16): a build's *batch* is the snapshots it (re)builds.

    `servir-pm build` (and a refresh that must rebuild everything) stages every snapshot and runs
    `dbt build --full-refresh`: every model holds every snapshot. A refresh that adds or replaces
    snapshots starts from a copy of the published warehouse and stages only the batch (the
    snapshots its change affects, pipelines.refresh.aside): staging and intermediate tables then
    hold the batch alone, and the marts, materialized `snapshot_rows` (dbt_project.yml,
    macros/snapshot_rows.sql), replace the batch's rows and keep every other snapshot's.

    pipelines.build.warehouse writes the batch into the table `warehouse_batch` (one row per
    snapshot) before dbt starts, so it is there whatever order dbt runs the models in; passing it
    as a --vars value would make dbt re-parse the whole project at every change (5-8 s). -#}

{% macro batch_table() -%}
    {#- pipelines.build.stamp.BATCH_TABLE, or none in a dbt run started by hand on a warehouse the
        pipeline did not build: every macro below then does what a plain dbt run would. -#}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier='warehouse_batch')) }}
{%- endmacro %}


{% macro batch_snapshots() -%}
    {#- SQL listing the batch's snapshots (none without the table). -#}
    {%- set batch = batch_table() -%}
    {{ return('select snapshot from ' ~ batch if batch is not none else 'select null::varchar as snapshot where false') }}
{%- endmacro %}


{% macro staged_snapshots() -%}
    {#- SQL listing the snapshots this run staged (stg_registry__snapshots): in a pipeline build,
        the batch; in a run started by hand, whatever staging holds, narrowed by the `snapshot`
        var (dbt_project.yml). -#}
    {%- set staged = adapter.get_relation(database=target.database, schema=target.schema,
                                          identifier='stg_registry__snapshots') -%}
    {{ return('select snapshot from ' ~ staged if staged is not none else 'select null::varchar as snapshot where false') }}
{%- endmacro %}


{% macro replaced_snapshots() -%}
    {#- SQL listing the snapshots an incremental run replaces in every mart (macros/snapshot_rows.sql):
        the batch and the staged snapshots. In a pipeline build they are the same; a run started by
        hand (no batch table, or staging narrowed by the `snapshot` var) replaces what it staged,
        and never keeps an old copy beside the new rows. -#}
    {{ return(batch_snapshots() ~ ' union ' ~ staged_snapshots()) }}
{%- endmacro %}


{% macro batch_rows(relation) -%}
    {#- A mart read by another mart: in an incremental run it holds every snapshot ever published,
        of which only the replaced snapshots' rows are this run's to read (reading the others
        would insert them again). A full build reads it whole. -#}
    {%- if snapshot_rows_incremental() -%}
        (select * from {{ relation }} where snapshot in ({{ replaced_snapshots() }}))
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}


{% macro batch_test_filter_active() -%}
    {#- Whether this data test judges only the batch's rows: its `where` names the placeholder
        __batch__ (dbt_project.yml gives it to every test of the marts) and the run is incremental.
        Not while parsing, not in a full build (every row is then this run's) and not in a run
        started by hand (no batch table: every row is checked). -#}
    {{ return(execute and not flags.FULL_REFRESH and '__batch__' in (config.get('where') or '')
              and batch_table() is not none) }}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {#- dbt's documented hook for a test's `where` config (default__get_where_subquery), with the
        placeholder __batch__ standing for the batch's snapshots: a data test of an incremental mart
        checks the rows this run wrote, so its time does not grow with the history kept. -#}
    {%- set where = config.get('where') or '' -%}
    {%- if '__batch__' in where -%}
        {%- if not batch_test_filter_active() -%}
            {{ return(relation) }}
        {%- endif -%}
        {%- set where = where | replace('__batch__', batch_snapshots()) -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{% macro batch_test_rows(relation) -%}
    {#- A second mart a generic test compares with (equals_sum_of, pm_equals_sum_of_roles): the
        same rows the test's own model is filtered to. -#}
    {%- if batch_test_filter_active() -%}
        {{ return('(select * from ' ~ relation ~ ' where snapshot in (' ~ batch_snapshots() ~ '))') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
