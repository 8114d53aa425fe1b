{#-
    Classify every management position into a servant group (PO, PM, CA, not_determined, excluded),
    a role (PS, S, OS; PM only) and Top Public Management (TPM), reading every rule from seeds:

      classification_outcomes (applies = before_rules), lowest precedence first
        -> classification_rules (SERVIR Tables 7/8/15/16, one row per cell)
        -> classification_outcomes (applies = after_rules), lowest precedence first
      tpm_rules (Table 11) for positions that ended up PM.

    The first matching candidate decides. The SQL below only knows how to *match* a row (which
    columns are keys, what "missing" means); which cell says what lives in the seeds.

    The three assumption flags are arguments, not vars, so one run can classify the same positions
    with an assumption switched off (int_assumption_scenarios) and compare. type_b_variant names the
    row set of seeds/rules/type_b_readings.csv that reads type-B units under A2 (none = the seed's
    is_default variant). positions_where, if given, is a condition on int_positions_inferred's rows:
    only those are classified (int_assumption_scenarios re-reads only the positions an assumption
    can move).
-#}
{% macro classify_positions(assume_a1, assume_a2, assume_a3, type_b_variant=none, assume_a4=true,
                            positions_where=none) %}
with

assumption_flags as (
    select *
    from (values ('A1', {{ assume_a1 }}), ('A2', {{ assume_a2 }}), ('A3', {{ assume_a3 }}),
        ('A4', {{ assume_a4 }}))
        as t (assumption, is_on)
),

-- Positions with what their titles say (organizational level, body type, public officer or not a
-- management position) when the registry does not give it: models/intermediate/int_positions_inferred.
-- Read by several steps below: all of them (the build) are scanned again rather than written aside;
-- the few an assumption can move (positions_where) are kept once.
positions as {% if not positions_where %}not {% endif %}materialized (
    select * from {{ ref('int_positions_inferred') }}
    {%- if positions_where %} where {{ positions_where }}{% endif %}
),

entities as (select * from {{ ref('int_entities_classified') }}),

-- Seeds: an empty cell means "no value". dbt seed loads it as NULL, but dbt unit tests feed the
-- seed file's rows as '' strings, so every optional text cell goes through nullif(..., '') to mean
-- the same thing in both.
classes as (
    select
        entity_classification,
        nullif(rules_government_level, '') as rules_government_level,
        is_type_b_class
    from {{ ref('entity_classifications') }}
),

body_groups as (
    select
        body_type,
        nullif(body_group, '') as body_group,
        nullif(assumption, '') as assumption,
        nullif(body_group_if_assumption_off, '') as body_group_if_assumption_off
    from {{ ref('body_type_groups') }}
),

-- A4 (and any body-type reading that depends on the entity's row): the body group a body type
-- takes in a given classification, overriding body_type_groups while its assumption is on.
body_group_overrides as (
    select body_type, entity_classification, body_group, assumption
    from {{ ref('body_group_overrides') }}
),

outcomes as (
    select
        rule_key,
        applies,
        precedence,
        nullif(match_entity_classification, '') as match_entity_classification,
        nullif(match_body_group, '') as match_body_group,
        try_cast(nullif(match_min_organizational_level, '') as integer) as match_min_organizational_level,
        nullif(match_missing, '') as match_missing,
        servant_group,
        reason
    from {{ ref('classification_outcomes') }}
),

rules as (
    select
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
),

tpm as (
    select
        rule_key,
        tpm_rule,
        government_level,
        entity_classification,
        organizational_level,
        requires_annex_09,
        nullif(title_pattern, '') as title_pattern,
        {{ fold_text("nullif(title_pattern, '')") }} as folded_title_pattern,
        nullif(management, '') as management,
        applies_to_type_b
    from {{ ref('tpm_rules') }}
),

-- A2: which table row and level a type-B unit is read with (one variant at a time). A unit no row
-- of the variant matches is read with its parent's own row at its own level.
type_b_readings as (
    select
        variant,
        precedence,
        nullif(parent_entity_classification, '') as parent_entity_classification,
        nullif(parent_government_level, '') as parent_government_level,
        nullif(read_entity_classification, '') as read_entity_classification,
        organizational_level_offset
    from {{ ref('type_b_readings') }}
    where variant = {% if type_b_variant %}'{{ type_b_variant }}'{% else %}(
        select min(variant) from {{ ref('type_b_readings') }} where is_default){% endif %}
),

-- A2: a type-B unit (flagged, or classified as program/project/decentralized body) with a parent in
-- the same snapshot is classified with the parent's classification.
entities_with_parent as (
    select
        e.*,
        coalesce(e.is_type_b, false) or coalesce(own.is_type_b_class, false) as is_type_b_unit,
        parent.entity_classification as parent_entity_classification,
        -- The level of the table holding the parent's rules (none for classifications with no table).
        parent_class.rules_government_level as parent_rules_government_level
    from entities as e
    left join classes as own
        on own.entity_classification = e.entity_classification
    left join entities as parent
        on parent.snapshot = e.snapshot
        and parent.entity_id = e.parent_entity_id
    left join classes as parent_class
        on parent_class.entity_classification = parent.entity_classification
),

entities_effective as (
    select
        *,
        ({{ assume_a2 }} and is_type_b_unit and parent_entity_classification is not null) as inherits_parent,
        case
            when {{ assume_a2 }} and is_type_b_unit and parent_entity_classification is not null
                then parent_entity_classification
            else entity_classification
        end as effective_entity_classification
    from entities_with_parent
),

-- Each classification's rules live in one government level's table (the Metropolitan Municipality
-- of Lima is in the regional Table 8 whatever level the registry gives it): look up and report there.
entities_keyed as (
    select
        ee.*,
        coalesce(c.rules_government_level, ee.government_level) as effective_government_level
    from entities_effective as ee
    left join classes as c
        on c.entity_classification = ee.effective_entity_classification
),

-- A2 variants: the row (rules_entity_classification) and level offset a type-B unit is read with.
-- The outcomes (state company, local government, ...) still see the parent's classification.
entities_read as (
    select
        ek.*,
        coalesce(r.read_entity_classification, ek.effective_entity_classification) as rules_entity_classification,
        coalesce(r.organizational_level_offset, 0) as organizational_level_offset,
        r.variant as type_b_reading  -- null: not read under A2, or no row of the variant matched
    from entities_keyed as ek
    left join type_b_readings as r
        on ek.inherits_parent
        and (r.parent_entity_classification is null
            or r.parent_entity_classification = ek.parent_entity_classification)
        and (r.parent_government_level is null
            or r.parent_government_level = ek.parent_rules_government_level)
    qualify row_number() over (partition by ek.snapshot, ek.entity_id order by r.precedence nulls last) = 1
),

-- Not materialized: written aside, 1.4 M wide rows spill past DuckDB's memory budget and every
-- later read comes back from disk; recomputing these joins with small tables costs less.
positions_keyed as not materialized (
    select
        p.snapshot || '/' || p.position_id as position_key,
        p.*,
        e.entity_name,
        e.government_level,
        e.entity_classification,
        e.sector,
        e.department,
        e.parent_entity_id,
        e.tpm_annex_09,
        e.total_positions,
        e.budget_pia,
        e.is_type_b_unit,
        coalesce(e.inherits_parent, false) as inherits_parent,
        e.effective_entity_classification,
        e.effective_government_level,
        coalesce(e.rules_entity_classification, e.effective_entity_classification) as rules_entity_classification,
        p.organizational_level + coalesce(e.organizational_level_offset, 0) as rules_organizational_level,
        e.type_b_reading,
        -- A1 (and any future body-type assumption): the seed names the assumption and the group
        -- to use when it is switched off. A4: an override for the row read wins while it is on.
        case
            when ov.body_group is not null then ov.body_group
            when bg.assumption is not null and not coalesce(f.is_on, false) then bg.body_group_if_assumption_off
            else bg.body_group
        end as body_group,
        case
            when ov.body_group is not null then ov.assumption
            when bg.assumption is not null and f.is_on then bg.assumption
        end as body_group_assumption
    from positions as p
    left join entities_read as e
        on e.snapshot = p.snapshot
        and e.entity_id = p.entity_id
    left join body_groups as bg
        on bg.body_type = p.body_type
    left join assumption_flags as f
        on f.assumption = bg.assumption
    left join (
        select o.*
        from body_group_overrides as o
        inner join assumption_flags as fo
            on fo.assumption = o.assumption
            and fo.is_on
    ) as ov
        on ov.body_type = p.body_type
        and ov.entity_classification = coalesce(e.rules_entity_classification, e.effective_entity_classification)
),

-- What decides a position's group is a handful of its columns: the tables are read once per
-- distinct combination of them (a few thousand at national scale), not once per position.
decision_keys as (
    select
        md5(to_json([effective_entity_classification, body_group, cast(rules_organizational_level as varchar),
                     cast(organizational_level as varchar), body_type, title_reading, effective_government_level,
                     rules_entity_classification])) as decision_key,
        *
    from (
        select distinct
            effective_entity_classification,
            body_group,
            rules_organizational_level,
            organizational_level,
            body_type,
            title_reading,
            effective_government_level,
            rules_entity_classification
        from positions_keyed
    )
),

outcome_matches as (
    select
        k.decision_key,
        o.rule_key,
        'classification_outcomes' as rule_source,
        o.servant_group,
        cast(null as varchar) as role,
        o.reason,
        cast(null as varchar) as rule_assumption,
        cast(null as varchar) as rule_assumption_state,
        case when o.applies = 'before_rules' then 1 else 3 end as stage,
        o.precedence,
        o.match_body_group is not null as matched_body_group
    from decision_keys as k
    inner join outcomes as o
        on (o.match_entity_classification is null
            or o.match_entity_classification = k.effective_entity_classification)
        and (o.match_body_group is null or o.match_body_group = k.body_group)
        and (o.match_min_organizational_level is null
            or k.rules_organizational_level >= o.match_min_organizational_level)
        and (o.match_missing is null
            or (o.match_missing = 'entity_classification' and k.effective_entity_classification is null)
            or (o.match_missing = 'organizational_level' and k.organizational_level is null)
            or (o.match_missing = 'body_type' and k.body_type is null))
),

-- A title that Table 5 makes a public officer, or that is not the head of a body or unit
-- (title_reading from int_positions_inferred), is decided before the tables are read.
title_outcome_matches as (
    select
        k.decision_key,
        o.rule_key,
        'title_reading_outcomes' as rule_source,
        o.servant_group,
        cast(null as varchar) as role,
        o.reason,
        cast(null as varchar) as rule_assumption,
        cast(null as varchar) as rule_assumption_state,
        1 as stage,
        o.precedence,
        false as matched_body_group
    from decision_keys as k
    inner join {{ ref('title_reading_outcomes') }} as o
        on o.title_reading = k.title_reading
),

rule_matches as (
    select
        k.decision_key,
        r.rule_key,
        'classification_rules' as rule_source,
        r.servant_group,
        r.role,
        cast(null as varchar) as reason,
        r.assumption as rule_assumption,
        r.assumption_state as rule_assumption_state,
        2 as stage,
        0 as precedence,
        false as matched_body_group
    from decision_keys as k
    inner join rules as r
        on r.government_level = k.effective_government_level
        and r.entity_classification = k.rules_entity_classification
        and r.organizational_level = k.rules_organizational_level
        and r.body_group = k.body_group
    left join assumption_flags as f
        on f.assumption = r.assumption
    -- A rule row tied to an assumption holds only in the state (on/off) it names.
    where r.assumption is null or (r.assumption_state = 'on') = coalesce(f.is_on, false)
),

decided as (
    select *
    from (
        select * from outcome_matches
        union all
        select * from title_outcome_matches
        union all
        select * from rule_matches
    )
    qualify row_number() over (partition by decision_key order by stage, precedence, rule_key) = 1
),

-- Every position with its decision, joined on the decision columns (null matches null).
positions_decided as not materialized (
    select
        k.*,
        d.servant_group,
        d.role,
        d.rule_key,
        d.rule_source,
        d.reason,
        d.rule_assumption,
        d.rule_assumption_state,
        d.matched_body_group
    from positions_keyed as k
    inner join decision_keys as dk
        on dk.effective_entity_classification is not distinct from k.effective_entity_classification
        and dk.body_group is not distinct from k.body_group
        and dk.rules_organizational_level is not distinct from k.rules_organizational_level
        and dk.organizational_level is not distinct from k.organizational_level
        and dk.body_type is not distinct from k.body_type
        and dk.title_reading is not distinct from k.title_reading
        and dk.effective_government_level is not distinct from k.effective_government_level
        and dk.rules_entity_classification is not distinct from k.rules_entity_classification
    inner join decided as d
        on d.decision_key = dk.decision_key
),

-- Rule 3 reads the folded "title unit" of PM positions: folded once per distinct (title, unit).
pm_names as (
    select
        position_title,
        unit_name,
        {{ fold_title_unit('position_title', 'unit_name') }} as folded_name
    from (select distinct position_title, unit_name from positions_decided where servant_group = 'PM')
),

tpm_candidates as (
    select
        k.position_key,
        k.snapshot,
        k.entity_id,
        t.tpm_rule,
        t.rule_key as tpm_rule_key,
        t.management,
        -- Rule 3 ranking inputs: how many of the management's patterns the name matches, its length.
        count(*) over (partition by k.position_key, t.management) as management_patterns_matched,
        length(n.folded_name) as name_length
    from positions_decided as k
    inner join pm_names as n
        on n.position_title is not distinct from k.position_title
        and n.unit_name is not distinct from k.unit_name
    inner join tpm as t
        on k.servant_group = 'PM'
        and t.government_level = k.effective_government_level
        and t.entity_classification = k.rules_entity_classification
        and t.organizational_level = k.rules_organizational_level
        and (not t.requires_annex_09 or coalesce(k.tpm_annex_09, false))
        and (t.applies_to_type_b or not coalesce(k.is_type_b_unit, false))
        -- Rule 3: "even if they have another name" (000:1108): accent/case/punctuation-insensitive
        -- substring of the title or the unit name, one pattern per wording (tpm_rules.title_pattern).
        and (t.title_pattern is null
            or (length(t.folded_title_pattern) > 0 and position(t.folded_title_pattern in n.folded_name) > 0))
    qualify row_number() over (partition by k.position_key order by t.tpm_rule, t.rule_key) = 1
),

-- Rule 3 names one manager per management per regional government (000:1108-1112): when several
-- positions of one government match the same management, the one matching most of its patterns,
-- then the shortest name, then the lowest position id is TPM; the others are duplicates (rank > 1).
tpm_matches as (
    select
        *,
        case when management is not null then row_number() over (
            partition by snapshot, entity_id, management
            order by management_patterns_matched desc, name_length, position_key) end as management_rank
    from tpm_candidates
)

select
    k.position_key,
    k.snapshot,
    k.snapshot_date,
    k.position_id,
    k.entity_id,
    k.entity_name,
    k.parent_entity_id,
    coalesce(k.is_type_b_unit, false) as is_type_b_unit,
    k.government_level,
    k.entity_classification,
    k.effective_government_level,
    k.effective_entity_classification,
    k.sector,
    k.department,
    k.tpm_annex_09,
    k.total_positions,
    k.budget_pia,
    k.organizational_level,
    k.body_type,
    k.body_group,
    -- The row and level the rules were read with (differ from the above only for type-B units, A2).
    k.rules_entity_classification,
    k.rules_organizational_level,
    k.type_b_reading,
    k.servant_group,
    k.role,
    k.rule_key,
    k.rule_source,
    case when k.servant_group = 'not_determined' then k.reason end as not_determined_reason,
    k.reason as outcome_reason,
    coalesce(k.effective_government_level, '?') || ' | ' || coalesce(k.rules_entity_classification, '?')
        || ' | ' || coalesce(cast(k.rules_organizational_level as varchar), '?') || ' | '
        || coalesce(k.body_group, '?') as rule_lookup_key,
    tm.tpm_rule_key is not null and coalesce(tm.management_rank, 1) = 1 as is_tpm,
    case when coalesce(tm.management_rank, 1) = 1 then tm.tpm_rule end as tpm_rule,
    case when coalesce(tm.management_rank, 1) = 1 then tm.tpm_rule_key end as tpm_rule_key,
    -- Table 11 item 3: the regional management the name means (also for duplicates) and its rank.
    tm.management as tpm_management,
    tm.management_rank as tpm_management_rank,
    -- Which assumptions decided this position (RULES.md §3): A1 only when a table cell was read
    -- with the assumed body group, A2 when the parent's classification was used, A3 when the cell
    -- read is the one the assumption chooses.
    nullif(concat_ws(',',
        -- (A4 decides through an outcome row matching its overridden body group.)
        case when k.rule_source = 'classification_rules' or k.matched_body_group then k.body_group_assumption end,
        case when k.inherits_parent then 'A2' end,
        case when k.rule_assumption_state = 'on' then k.rule_assumption end
    ), '') as assumptions_applied,
    k.position_title,
    k.unit_name,
    k.appointment_type,
    k.labor_regime,
    k.monthly_pay,
    k.reports_to,
    k.function_type,
    k.direct_reports,
    k.indirect_reports,
    k.occupant_key,
    k.sex,
    k.start_date,
    k.is_prioritized,
    -- What the title said (int_positions_inferred): where each value came from and how sure.
    k.organizational_level_input,
    k.body_type_input,
    k.organizational_level_source,
    k.body_type_source,
    k.title_reading,
    k.title_normalized,
    k.unit_normalized,
    k.inference_rule,
    k.body_type_rule,
    k.table5_category,
    k.decision_id as review_decision_id,
    k.inference_confidence,
    -- A position whose group the entity alone decides (a state company, a university, a local
    -- government: an entity-only classification_outcomes row) is not counted "to review": no
    -- reading of its title could make it PM or CA.
    k.needs_review and eo.rule_key is null as needs_review,
    k.source_file,
    k.source_row
from positions_decided as k
left join outcomes as eo
    on eo.rule_key = k.rule_key
    and k.rule_source = 'classification_outcomes'
    and eo.match_entity_classification is not null
    and eo.match_body_group is null
    and eo.match_min_organizational_level is null
    and eo.match_missing is null
left join tpm_matches as tm
    on tm.position_key = k.position_key
{% endmacro %}
