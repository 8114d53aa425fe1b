-- Which rule decided how many positions? SERVIR 2016 Tables 7/8/15/16 as a matrix with counts:
-- one row per snapshot x rule row (every cell of classification_rules and every
-- classification_outcomes row, also those that decided nothing: positions = 0), with the cell's
-- key, the group and role it gives, and how many positions it decided (int_positions_classified.rule_key).
with snapshots as (
    select distinct snapshot, snapshot_date from {{ ref('int_positions_classified') }}
),

rule_rows as (
    select
        'classification_rules' as rule_source,
        rule_key,
        government_level,
        entity_classification,
        organizational_level,
        body_group,
        servant_group,
        nullif(role, '') as role,
        nullif(assumption, '') as assumption,
        nullif(assumption_state, '') as assumption_state
    from {{ ref('classification_rules') }}
    union all
    select
        'classification_outcomes',
        rule_key,
        null,
        nullif(match_entity_classification, ''),
        try_cast(nullif(match_min_organizational_level, '') as integer),
        nullif(match_body_group, ''),
        servant_group,
        null,
        null,
        null
    from {{ ref('classification_outcomes') }}
),

decided as (
    select
        snapshot,
        rule_source,
        rule_key,
        count(*) as positions,
        count(*) filter (where is_tpm) as tpm_positions,
        count(*) filter (where is_type_b_unit) as type_b_positions
    from {{ ref('int_positions_classified') }}
    group by all
)

select
    s.snapshot,
    s.snapshot_date,
    r.rule_source,
    r.rule_key,
    r.government_level,
    r.entity_classification,
    r.organizational_level,
    r.body_group,
    r.servant_group,
    r.role,
    r.assumption,
    r.assumption_state,
    coalesce(d.positions, 0) as positions,
    coalesce(d.tpm_positions, 0) as tpm_positions,
    coalesce(d.type_b_positions, 0) as type_b_positions
from snapshots as s
cross join rule_rows as r
left join decided as d
    on d.snapshot = s.snapshot
    and d.rule_source = r.rule_source
    and d.rule_key = r.rule_key
