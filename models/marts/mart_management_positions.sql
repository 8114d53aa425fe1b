-- How many management positions are there, and where? Counts by government level x
-- organizational level x body type x entity classification x sector (SERVIR 2016 ch.I sec.2).
-- Every position that heads a body or unit (seed servant_groups.heads_a_body): titles read as
-- heading nothing (not_management) are listed in mart_positions_not_management instead.
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
where servant_group in (select servant_group from {{ ref('servant_groups') }} where heads_a_body)
group by all
