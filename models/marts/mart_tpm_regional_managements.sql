-- Which of Table 11 item 3's four regional managements does each regional government have?
-- (SERVIR 2016, 000:1108-1112: economic development, social development, infrastructure, natural
-- resources & environment management, "even if they have another name".) One row per snapshot x
-- regional government headquarters x management: the level-2 PM positions whose title or unit name
-- means it (int_positions_classified.tpm_management), the one counted as TPM, and a status:
-- present (one), duplicated (several: one is TPM, the rest are not), missing (none).
-- At most 4 per government are TPM: 4 x 25 = 100, although the source prints 177 (000:1118);
-- mart_reconciliation reports that as a source finding.
with managements as (
    select distinct government_level, entity_classification, management
    from {{ ref('tpm_rules') }}
    where nullif(management, '') is not null
),

classes as (
    select entity_classification, is_type_b_class from {{ ref('entity_classifications') }}
),

governments as (
    select e.snapshot, e.snapshot_date, e.entity_id, e.entity_name, e.department, m.management
    from {{ ref('int_entities_classified') }} as e
    left join classes as c
        on c.entity_classification = e.entity_classification
    inner join managements as m
        on m.entity_classification = e.entity_classification
    where not (coalesce(e.is_type_b, false) or coalesce(c.is_type_b_class, false))
),

candidates as (
    select
        snapshot,
        entity_id,
        tpm_management as management,
        count(*) as matching_positions,
        count(*) filter (where is_tpm) as tpm_positions,
        min(position_id) filter (where is_tpm) as tpm_position_id,
        min(coalesce(unit_name, position_title)) filter (where is_tpm) as tpm_unit_name
    from {{ ref('int_positions_classified') }}
    where tpm_management is not null
    group by all
)

select
    g.snapshot,
    g.snapshot_date,
    g.entity_id,
    g.entity_name,
    g.department,
    g.management,
    coalesce(c.matching_positions, 0) as matching_positions,
    coalesce(c.tpm_positions, 0) as tpm_positions,
    c.tpm_position_id,
    c.tpm_unit_name,
    case
        when coalesce(c.matching_positions, 0) = 0 then 'missing'
        when c.matching_positions = 1 then 'present'
        else 'duplicated'
    end as status
from governments as g
left join candidates as c
    on c.snapshot = g.snapshot
    and c.entity_id = g.entity_id
    and c.management = g.management
