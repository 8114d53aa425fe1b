-- Which positions did no rule cover, and why? Every not_determined position with its reason
-- (no table for the classification, missing organizational level or body type, a key with no cell,
-- a type-B unit with no parent, ...). These are never counted as PM or CA.
select
    snapshot,
    snapshot_date,
    position_id,
    entity_id,
    entity_name,
    coalesce(effective_government_level, 'unknown') as government_level,
    entity_classification,
    effective_entity_classification,
    organizational_level,
    body_type,
    body_group,
    position_title,
    unit_name,
    rule_key,
    not_determined_reason as reason,
    rule_lookup_key,
    source_file,
    source_row
from {{ ref('int_positions_classified') }}
where servant_group = 'not_determined'
