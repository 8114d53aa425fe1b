-- Where are the management positions? Counts by department (the entity's, from the registry) and
-- government level, with the public managers and TPM among them, for the reports' map-like view.
select
    snapshot,
    snapshot_date,
    coalesce(department, 'unknown') as department,
    coalesce(effective_government_level, 'unknown') as government_level,
    count(*) as positions,
    count(*) filter (where appointment_type = 'appointed') as appointed_positions,
    count(*) filter (where servant_group = 'PM') as pm_positions,
    count(*) filter (where servant_group = 'PM' and is_tpm) as tpm_positions
from {{ ref('int_positions_classified') }}
group by all
