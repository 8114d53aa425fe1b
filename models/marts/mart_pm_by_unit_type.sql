-- How many public managers come from type-A entities and how many from type-B units (programs,
-- special projects, decentralized bodies with their own registry rows, read under A2 with the
-- variant of seeds/rules/type_b_readings.csv)? Per snapshot x government level x unit type: every
-- servant group, PM and TPM. Shows how much of the PM count rests on the type-B reading (Tables
-- 7/8 cover type-A entities only, seed 000 line 1029).
select
    snapshot,
    any_value(snapshot_date) as snapshot_date,
    coalesce(effective_government_level, 'unknown') as government_level,
    case when is_type_b_unit then 'type_b' else 'type_a' end as unit_type,
    any_value(type_b_reading) as type_b_reading,
    count(*) as positions,
    count(*) filter (where servant_group = 'PO') as po_positions,
    count(*) filter (where servant_group = 'PM') as pm_positions,
    count(*) filter (where servant_group = 'PM' and is_tpm) as tpm_positions,
    count(*) filter (where servant_group = 'CA') as ca_positions,
    count(*) filter (where servant_group = 'not_determined') as not_determined_positions
from {{ ref('int_positions_classified') }}
group by snapshot, coalesce(effective_government_level, 'unknown'), is_type_b_unit
