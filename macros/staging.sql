{#- Reading ingestion's Parquet: data/staging/<snapshot>/<table>.parquet. -#}

{% macro staging_glob(table) -%}
    {{ var('staging_root') }}/{{ var('snapshot') }}/{{ table }}.parquet
{%- endmacro %}


{% macro assert_staging_exists(table) %}
    {#- DuckDB's own error for an empty glob ("No files found that match the pattern") does not say
        what to do; stop with a message that names the folder and the fix instead. -#}
    {% if execute %}
        {% set pattern = staging_glob(table) %}
        {% set found = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] %}
        {% if found == 0 %}
            {{ exceptions.raise_compiler_error(
                "No staging snapshot found: no file matches " ~ pattern ~ ". "
                ~ "Ingestion writes <staging_root>/<snapshot>/" ~ table ~ ".parquet; run ingestion first "
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


{% macro flag(name) -%}
    {#- A boolean var that may arrive as a string from --vars ("false", "off", "0"). -#}
    {%- set value = var(name) -%}
    {%- if value is string -%}
        {{ return(value | lower not in ('false', 'off', '0', 'no', '')) }}
    {%- else -%}
        {{ return(value | as_bool) }}
    {%- endif -%}
{%- endmacro %}


{% macro staged_series_metadata() %}
    {#- The series.json ingestion copies beside each snapshot's Parquet (pipelines.refresh.series): one row
        per file, its snapshot taken from the folder name. When no snapshot carries one (hand-made
        staging), an empty relation with the same columns: every snapshot then gets the defaults. -#}
    {%- set pattern = var('staging_root') ~ '/' ~ var('snapshot') ~ '/series.json' -%}
    {%- set found = 0 -%}
    {%- if execute -%}
        {%- set found = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if found > 0 %}
    select
        regexp_extract(replace(filename, '\', '/'), '([^/]+)/[^/]+$', 1) as snapshot,
        series,
        origin,
        source,
        description
    from read_json('{{ pattern }}', filename = true, format = 'auto',
                   columns = {series: 'varchar', origin: 'varchar', source: 'varchar', description: 'varchar'})
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
