-- Which registry rows are not management positions at all? Titles read as heading no body, unit
-- or decentralized body (advisers, specialists, coordinators, judges ...; 000:332), excluded from
-- every count of management positions, listed here with the rule that read them.
select
    snapshot,
    snapshot_date,
    coalesce(effective_government_level, 'unknown') as government_level,
    entity_classification,
    position_title,
    title_normalized,
    inference_rule,
    inference_confidence,
    count(*) as positions
from {{ ref('int_positions_classified') }}
where servant_group = 'not_management'
group by all
