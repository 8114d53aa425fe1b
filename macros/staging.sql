{#- Reading ingestion's output: the `registry` sources (models/staging/_registry__sources.yml), whose
    external_location says where the files are. -#}

{% macro staged_files(relation) -%}
    {#- The file pattern a `registry` source reads: the quoted path of its external_location, so the
        path is written once, in the sources file. -#}
    {{ return(modules.re.search("'([^']+)'", relation.external).group(1)) }}
{%- endmacro %}


{% macro count_files(pattern) -%}
    {{ return(run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0]) }}
{%- endmacro %}


{% macro documenting() -%}
    {#- True while `dbt docs generate` compiles the project: it shows the SQL and runs none of it, so
        the docs can be built on a fresh checkout (nothing staged, no seed loaded yet). -#}
    {{ return(flags.WHICH == 'generate') }}
{%- endmacro %}


{% macro assert_staging_exists(relation) %}
    {#- DuckDB's own error for an empty glob ("No files found that match the pattern") does not say
        what to do; stop with a message that names the folder and the fix instead. Not while
        documenting: the docs describe the models whether or not anything is staged. -#}
    {% if execute %}
        {% set pattern = staged_files(relation) %}
        {% if count_files(pattern) == 0 and not documenting() %}
            {{ exceptions.raise_compiler_error(
                "No staging snapshot found: no file matches " ~ pattern ~ ". "
                ~ "Ingestion writes data/staging/<snapshot>/" ~ relation.identifier ~ ".parquet; run ingestion first "
                ~ "(servir-pm ingest) or point SERVIR_PM_STAGING at the folder that holds the snapshots."
            ) }}
        {% endif %}
    {% endif %}
{% endmacro %}


{% macro snapshot_columns(filename_column='filename') -%}
    {#- The snapshot is the name of the folder the file sits in; its date is the ISO date in that
        name (`2016-05-31`, `servir_2025-03-31`), null when the name holds none (paths.snapshot_date). -#}
    regexp_extract(replace({{ filename_column }}, '\', '/'), '([^/]+)/[^/]+$', 1) as snapshot,
    try_strptime(
        nullif(regexp_extract(regexp_extract(replace({{ filename_column }}, '\', '/'), '([^/]+)/[^/]+$', 1),
                              '(\d{4}-\d{2}-\d{2})', 1), ''),
        '%Y-%m-%d'
    )::date as snapshot_date
{%- endmacro %}


{% macro fold_text(expression) -%}
    {#- Matching key like pipelines.ingest.contract.fold: lower case, no accents, no spaces/punctuation. -#}
    regexp_replace(lower(strip_accents(coalesce({{ expression }}, ''))), '[^a-z0-9]+', '', 'g')
{%- endmacro %}


{% macro fold_title_unit(title, unit) -%}
    {#- The folded "title unit" text that Rule 3 (classify_positions) and the pay benchmark checks
        (int_pay_benchmark_checks) match their name patterns against: one definition for both. -#}
    {{ fold_text("coalesce(" ~ title ~ ", '') || ' ' || coalesce(" ~ unit ~ ", '')") }}
{%- endmacro %}


{% macro flag(name) -%}
    {#- A boolean var that may arrive as a string from --vars ("false", "off", "0"). -#}
    {%- set value = var(name) -%}
    {%- if value is string -%}
        {{ return(value | lower not in ('false', 'off', '0', 'no', '')) }}
    {%- else -%}
        {{ return(value | as_bool) }}
    {%- endif -%}
{%- endmacro %}


{% macro staged_series_metadata(series) %}
    {#- The series.json ingestion copies beside each snapshot's Parquet (pipelines.refresh.series): one row
        per file, its snapshot taken from the folder name. When no snapshot carries one (hand-made
        staging), an empty relation with the same columns: every snapshot then gets the defaults. -#}
    {%- set found = 0 -%}
    {%- if execute -%}
        {%- set found = count_files(staged_files(series)) -%}
    {%- endif -%}
    {%- if found > 0 %}
    select
        regexp_extract(replace(filename, '\', '/'), '([^/]+)/[^/]+$', 1) as snapshot,
        series,
        origin,
        source,
        description
    from {{ series }}
    {%- else %}
    select
        null::varchar as snapshot,
        null::varchar as series,
        null::varchar as origin,
        null::varchar as source,
        null::varchar as description
    where false
    {%- endif %}
{% endmacro %}
