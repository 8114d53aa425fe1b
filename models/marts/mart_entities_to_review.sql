-- Which entities must an analyst confirm before their positions count as "confirmed"?
-- One row per entity whose classification or government level was not given by the input and
-- was either not inferred at all or inferred by a low-confidence rule (int_entities_classified).
-- The analyst's answer goes to seeds/review/entity_review_decisions.csv (keyed by entity_id and/or
-- entity_name_key) and is applied at the next refresh.

with

entities as (
    select * from {{ ref('int_entities_classified') }}
    where needs_review
),

patterns as (
    select rule_order, pattern, entity_classification
    from {{ ref('entity_classification_patterns') }}
    where applies_to in ('product', 'both')
),

-- Every classification some pattern would give the name if level, branch and parent were ignored:
-- the choices worth looking at first.
candidates as (
    select
        e.snapshot,
        e.entity_id,
        string_agg(distinct p.entity_classification, '; ' order by p.entity_classification) as candidates
    from entities as e
    inner join patterns as p on regexp_matches(coalesce(e.entity_name_key, ''), p.pattern) and p.pattern <> '.'
    group by all
),

positions as (
    select snapshot, entity_id, count(*) as positions
    from {{ ref('stg_registry__positions') }}
    group by all
)

select
    e.snapshot,
    e.entity_id,
    e.entity_name,
    e.entity_name_key,
    e.branch,
    e.sector,
    e.parent_entity_id,
    e.government_level,
    e.government_level_source,
    e.entity_classification as suggestion,
    e.entity_classification_source as suggestion_source,
    coalesce(e.entity_classification_confidence, e.government_level_confidence) as confidence,
    concat_ws('; ',
        case when e.entity_classification_source = 'missing' then 'classification_missing' end,
        case when e.entity_classification_confidence = 'low'
            then 'classification_low_confidence (' || e.entity_classification_rule || ')' end,
        case when e.government_level_source = 'missing' then 'level_missing' end,
        case when e.government_level_confidence = 'low'
            then 'level_low_confidence (' || e.government_level_rule || ')' end
    ) as why,
    c.candidates,
    coalesce(p.positions, 0) as positions
from entities as e
left join candidates as c on c.snapshot = e.snapshot and c.entity_id = e.entity_id
left join positions as p on p.snapshot = e.snapshot and p.entity_id = e.entity_id
order by e.snapshot, positions desc, e.entity_id
