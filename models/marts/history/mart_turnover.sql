-- How much did each entity's management positions and their occupants change since the
-- previous snapshot, by servant group and role? `snapshot` is the later snapshot. A position is
-- counted under its current classification, or its last one if it was removed.
-- Turnover rate = (occupants replaced + positions vacated) / positions occupied in the previous
-- snapshot that still exist; null when no occupant IDs were supplied.
select
    snapshot,
    series,
    snapshot_date,
    previous_snapshot,
    previous_snapshot_date,
    entity_id,
    any_value(entity_name) as entity_name,  -- one per entity (int_positions_compared)
    government_level,
    servant_group,
    is_management_position,
    role,
    count(*) filter (where in_previous) as positions_previous,
    count(*) filter (where in_current) as positions_current,
    count(*) filter (where is_new) as new_positions,
    count(*) filter (where is_removed) as removed_positions,
    count(*) filter (where is_reclassified) as reclassified_positions,
    count(*) filter (where was_occupied) as positions_compared,
    count(*) filter (where is_occupant_replaced) as occupants_replaced,
    count(*) filter (where is_vacated) as positions_vacated,
    count(*) filter (where is_filled) as positions_filled,
    (count(*) filter (where is_occupant_replaced or is_vacated))::double
        / nullif(count(*) filter (where was_occupied), 0) as turnover_rate
from {{ ref('int_positions_compared') }}
group by snapshot, series, snapshot_date, previous_snapshot, previous_snapshot_date, entity_id,
    government_level, servant_group, is_management_position, role
