-- Which titles should an analyst read? One row per decision key (normalized title, normalized unit
-- name, entity classification) whose positions the input, the rules and earlier decisions leave
-- unsettled (int_positions_classified.needs_review), with how many positions it covers, what the
-- rules suggest and why. `servir-pm review` turns it into the review workbook; the decisions go
-- to seeds/review/position_review_decisions.csv and apply on the next build.
with to_review as (
    select *
    from {{ ref('int_positions_classified') }}
    where needs_review
),

rules as (
    select rule_key, source, note from {{ ref('title_rules') }}
)

select
    t.snapshot,
    any_value(t.snapshot_date) as snapshot_date,
    coalesce(t.title_normalized, '') as title_key,
    coalesce(t.unit_normalized, '') as unit_key,
    coalesce(t.entity_classification, '') as entity_classification,
    coalesce(t.effective_government_level, 'unknown') as government_level,
    min(t.position_title) as example_title,
    min(t.unit_name) as example_unit,
    min(t.entity_name) as example_entity,
    count(*) as positions,
    count(distinct t.entity_id) as entities,
    any_value(t.title_reading) as suggested_reading,
    any_value(t.organizational_level) as suggested_level,
    any_value(t.body_type) as suggested_body_type,
    any_value(t.servant_group) as counted_as,
    any_value(t.inference_rule) as inference_rule,
    any_value(t.inference_confidence) as inference_confidence,
    coalesce(any_value(r.note), '') || case when any_value(r.source) is not null then ' [' || any_value(r.source) || ']' else '' end
        as why,
    case when any_value(t.inference_rule) is null then 'no rule matches this title' end as unmatched
from to_review as t
left join rules as r
    on r.rule_key = t.inference_rule
group by t.snapshot, coalesce(t.title_normalized, ''), coalesce(t.unit_normalized, ''),
    coalesce(t.entity_classification, ''), coalesce(t.effective_government_level, 'unknown')
