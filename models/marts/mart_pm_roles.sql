-- How do public managers split into the three roles of the institutional-management job family
-- (PS political-strategic, S strategic, OS operational-strategic; Tables 15/16), by government
-- level, sector and (effective) entity classification?
select
    snapshot,
    snapshot_date,
    effective_government_level as government_level,
    sector,
    effective_entity_classification as entity_classification,
    role,
    count(*) as positions,
    -- Confirmed vs still to review (int_positions_classified.needs_review): the honest bounds.
    count(*) filter (where not needs_review) as positions_confirmed,
    count(*) filter (where needs_review) as positions_to_review,
    count(*) filter (where is_tpm) as tpm_positions,
    count(*) filter (where appointment_type = 'appointed') as appointed_positions
from {{ ref('int_positions_classified') }}
where servant_group = 'PM'
group by all
