-- One row per entity or type-B unit per snapshot, 1:1 with ingestion's entities.parquet.
{{ assert_staging_exists(source('registry', 'entities')) }}

with source as (
    select * from {{ source('registry', 'entities') }}
    -- Columns added after a snapshot was ingested (branch, entity_name_key: issue 12;
    -- budget_pia_2014: issue 13) read as null from older staging files instead of failing the build.
    union all by name
    select null::varchar as branch, null::varchar as entity_name_key, null::double as budget_pia_2014
    where false
)

select
    {{ snapshot_columns() }},
    cast(entity_id as varchar) as entity_id,
    cast(entity_name as varchar) as entity_name,
    cast(government_level as varchar) as government_level,
    cast(entity_classification as varchar) as entity_classification,
    cast(branch as varchar) as branch,
    cast(entity_name_key as varchar) as entity_name_key,
    cast(sector as varchar) as sector,
    cast(parent_entity_id as varchar) as parent_entity_id,
    cast(is_type_b as boolean) as is_type_b,
    cast(tpm_annex_09 as boolean) as tpm_annex_09,
    cast(total_positions as integer) as total_positions,
    cast(budget_pia as double) as budget_pia,
    cast(budget_pia_2014 as double) as budget_pia_2014,
    cast(department as varchar) as department,
    cast(data_origin as varchar) as data_origin,
    cast(source_file as varchar) as source_file,
    cast(source_row as bigint) as source_row
from source
