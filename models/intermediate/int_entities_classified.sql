-- One row per (snapshot, entity_id): every column of stg_registry__entities, with
-- entity_classification and government_level holding the FINAL values, and where each came from.
-- Precedence (first that gives a value): input file > analyst's review decision
-- (seeds/review/entity_review_decisions) > override by name (seeds/inference/
-- entity_classification_overrides) > first matching rule (seeds/inference/government_level_rules,
-- entity_classification_patterns). Which name/branch says what lives in the seeds; this SQL only
-- knows how to match a row.

with

entities as (select * from {{ ref('stg_registry__entities') }}),

-- Seeds: empty cells arrive as NULL from dbt seed and as '' in dbt unit tests: nullif(...,'') for both.
level_rules as (
    select
        rule_order,
        nullif(match_branch, '') as match_branch,
        nullif(pattern, '') as pattern,
        government_level,
        confidence
    from {{ ref('government_level_rules') }}
),

patterns as (
    select
        rule_order,
        nullif(match_government_level, '') as match_government_level,
        nullif(match_branch, '') as match_branch,
        try_cast(nullif(match_has_parent, '') as boolean) as match_has_parent,
        pattern,
        entity_classification,
        confidence
    from {{ ref('entity_classification_patterns') }}
    where applies_to in ('product', 'both')
),

overrides as (
    select
        entity_name_key,
        entity_classification,
        nullif(government_level, '') as government_level
    from {{ ref('entity_classification_overrides') }}
    where applies_to in ('product', 'both')
),

decisions as (
    select
        row_number() over () as decision_row,
        nullif(entity_id, '') as entity_id,
        nullif(entity_name_key, '') as entity_name_key,
        nullif(entity_classification, '') as entity_classification,
        nullif(government_level, '') as government_level
    from {{ ref('entity_review_decisions') }}
),

-- An analyst's decision applies to an entity when every key it gives matches (id and/or name);
-- the most specific (both keys) wins, then the latest row of the file.
decided as (
    select
        e.snapshot,
        e.entity_id,
        d.entity_classification,
        d.government_level,
        'review ' || coalesce('entity_id=' || d.entity_id, '') || coalesce(' name=' || d.entity_name_key, '') as rule
    from entities as e
    inner join decisions as d
        on (d.entity_id is null or d.entity_id = e.entity_id)
        and (d.entity_name_key is null or d.entity_name_key = e.entity_name_key)
        and (d.entity_id is not null or d.entity_name_key is not null)
    qualify row_number() over (
        partition by e.snapshot, e.entity_id
        order by (d.entity_id is not null)::int + (d.entity_name_key is not null)::int desc, d.decision_row desc
    ) = 1
),

overridden as (
    select e.snapshot, e.entity_id, o.entity_classification, o.government_level,
           'override ' || o.entity_name_key as rule
    from entities as e
    inner join overrides as o on o.entity_name_key = e.entity_name_key
),

level_matched as (
    select e.snapshot, e.entity_id, r.government_level, r.confidence, 'government_level_rules ' || r.rule_order as rule
    from entities as e
    inner join level_rules as r
        on (r.match_branch is null or {{ fold_text('r.match_branch') }} = {{ fold_text('e.branch') }})
        and (r.pattern is null or regexp_matches(coalesce(e.entity_name_key, ''), r.pattern))
    qualify row_number() over (partition by e.snapshot, e.entity_id order by r.rule_order) = 1
),

-- Every value offered for an entity's level, by precedence: the input file, an analyst's decision,
-- an override by name, the first matching rule. The lowest precedence offered wins.
level_offers as (
    select snapshot, entity_id, 1 as precedence, 'input' as source, government_level as value,
           null as confidence, null as rule
    from entities where government_level is not null
    union all
    select snapshot, entity_id, 2, 'review', government_level, null, rule
    from decided where government_level is not null
    union all
    select snapshot, entity_id, 3, 'inferred', government_level, 'high', rule
    from overridden where government_level is not null
    union all
    select snapshot, entity_id, 4, 'inferred', government_level, confidence, rule
    from level_matched
),

level_chosen as (
    select * from level_offers
    qualify row_number() over (partition by snapshot, entity_id order by precedence) = 1
),

leveled as (
    select
        e.*,
        l.value as final_level,
        coalesce(l.source, 'missing') as government_level_source,
        l.confidence as government_level_confidence,
        l.rule as government_level_rule
    from entities as e
    left join level_chosen as l on l.snapshot = e.snapshot and l.entity_id = e.entity_id
),

pattern_matched as (
    select e.snapshot, e.entity_id, p.entity_classification, p.confidence,
           'entity_classification_patterns ' || p.rule_order as rule
    from leveled as e
    inner join patterns as p
        on (p.match_government_level is null or p.match_government_level = e.final_level)
        and (p.match_branch is null or {{ fold_text('p.match_branch') }} = {{ fold_text('e.branch') }})
        and (p.match_has_parent is null or p.match_has_parent = (e.parent_entity_id is not null))
        and regexp_matches(coalesce(e.entity_name_key, ''), p.pattern)
    qualify row_number() over (partition by e.snapshot, e.entity_id order by p.rule_order) = 1
),

class_offers as (
    select snapshot, entity_id, 1 as precedence, 'input' as source, entity_classification as value,
           null as confidence, null as rule
    from entities where entity_classification is not null
    union all
    select snapshot, entity_id, 2, 'review', entity_classification, null, rule
    from decided where entity_classification is not null
    union all
    select snapshot, entity_id, 3, 'inferred', entity_classification, 'high', rule
    from overridden
    union all
    select snapshot, entity_id, 4, 'inferred', entity_classification, confidence, rule
    from pattern_matched
),

class_chosen as (
    select * from class_offers
    qualify row_number() over (partition by snapshot, entity_id order by precedence) = 1
),

classified as (
    select
        e.*,
        c.value as final_classification,
        coalesce(c.source, 'missing') as entity_classification_source,
        c.confidence as entity_classification_confidence,
        c.rule as entity_classification_rule
    from leveled as e
    left join class_chosen as c on c.snapshot = e.snapshot and c.entity_id = e.entity_id
)

select
    snapshot,
    snapshot_date,
    entity_id,
    entity_name,
    final_level as government_level,
    final_classification as entity_classification,
    branch,
    entity_name_key,
    sector,
    parent_entity_id,
    is_type_b,
    tpm_annex_09,
    total_positions,
    budget_pia,
    budget_pia_2014,
    department,
    data_origin,
    source_file,
    source_row,
    entity_classification as entity_classification_input,
    entity_classification_source,
    entity_classification_confidence,
    entity_classification_rule,
    government_level as government_level_input,
    government_level_source,
    government_level_confidence,
    government_level_rule,
    coalesce(
        entity_classification_source = 'missing'
        or entity_classification_confidence = 'low'
        or government_level_source = 'missing'
        or government_level_confidence = 'low',
        false
    ) as needs_review
from classified
