-- Which positions changed between a snapshot and the one before it? One row per position that
-- is new, removed, reclassified (servant group, role or TPM), moved to another entity, changed
-- occupant (replaced, vacated, filled) or changed pay. `snapshot` is the later snapshot.
-- Occupants are never shown, only whether they changed.
select
    snapshot,
    series,
    snapshot_date,
    previous_snapshot,
    previous_snapshot_date,
    position_id,
    entity_id,
    entity_name,
    government_level,
    is_new,
    is_removed,
    is_reclassified,
    is_entity_changed,
    is_occupant_replaced,
    is_vacated,
    is_filled,
    is_pay_changed,
    previous_entity_id,
    previous_servant_group,
    current_servant_group,
    previous_role,
    current_role,
    previous_is_tpm,
    current_is_tpm,
    previous_organizational_level,
    current_organizational_level,
    previous_body_type,
    current_body_type,
    previous_appointment_type,
    current_appointment_type,
    previous_monthly_pay,
    current_monthly_pay
from {{ ref('int_positions_compared') }}
where is_new or is_removed or is_reclassified or is_entity_changed
    or is_occupant_replaced or is_vacated or is_filled or is_pay_changed
