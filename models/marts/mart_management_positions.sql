-- How many management positions are there, and where? Counts by government level x
-- organizational level x body type x entity classification x sector (SERVIR 2016 ch.I sec.2).
select
    snapshot,
    snapshot_date,
    coalesce(effective_government_level, 'unknown') as government_level,
    organizational_level,
    body_type,
    coalesce(entity_classification, 'unknown') as entity_classification,
    sector,
    count(*) as positions,
    count(*) filter (where appointment_type = 'appointed') as appointed_positions
from {{ ref('int_positions_classified') }}
group by all
