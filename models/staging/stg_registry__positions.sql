-- One row per management position per snapshot, 1:1 with ingestion's positions.parquet.
{{ assert_staging_exists(source('registry', 'positions')) }}

with source as (
    select * from {{ source('registry', 'positions') }}
)

select
    {{ snapshot_columns() }},
    cast(position_id as varchar) as position_id,
    cast(entity_id as varchar) as entity_id,
    cast(position_title as varchar) as position_title,
    cast(unit_name as varchar) as unit_name,
    cast(organizational_level as integer) as organizational_level,
    cast(body_type as varchar) as body_type,
    cast(appointment_type as varchar) as appointment_type,
    cast(labor_regime as varchar) as labor_regime,
    cast(monthly_pay as double) as monthly_pay,
    cast(reports_to as varchar) as reports_to,
    cast(function_type as varchar) as function_type,
    cast(direct_reports as integer) as direct_reports,
    cast(indirect_reports as integer) as indirect_reports,
    cast(occupant_key as varchar) as occupant_key,
    cast(sex as varchar) as sex,
    cast(start_date as date) as start_date,
    cast(is_prioritized as boolean) as is_prioritized,
    cast(data_origin as varchar) as data_origin,
    cast(source_file as varchar) as source_file,
    cast(source_row as bigint) as source_row
from source
