-- The positions an assumption can move, classified again once per assumption with only that
-- assumption switched off, so mart_assumption_impact can say what each assumption moved (the build
-- vs. a build without it); and once per other variant of A2's type-B reading
-- (seeds/rules/type_b_readings.csv), so it can say what the chosen variant moved compared with each
-- alternative. Only the columns the mart compares are kept.
--
-- Which positions an assumption can move is read from the same seeds the classification reads
-- (`movable` below); every other position is classified exactly as in the build, so leaving it out
-- changes no figure of the mart. At national scale this is a fraction of the positions, where
-- classifying all of them four or more times was the build's heaviest step.
{%- set a1, a2, a3, a4 = flag('assume_a1'), flag('assume_a2'), flag('assume_a3'), flag('assume_a4') %}
{%- set chosen = var('type_b_variant', '') %}
{%- set variants = [] %}
{#- While documenting a fresh checkout (no seed loaded yet: macros/staging.sql documenting()), the
    docs show the SQL without the alternative variants. -#}
{%- if execute and not (documenting() and load_relation(ref('type_b_readings')) is none) %}
    {%- set found = run_query(
        "select distinct variant from " ~ ref('type_b_readings')
        ~ (" where variant <> '" ~ chosen ~ "'" if chosen else " where not is_default")
        ~ " order by variant") %}
    {%- set variants = found.columns[0].values() %}
{%- endif %}
{%- set only = "snapshot || '/' || position_id in (select position_key from movable where assumption = '{}')" %}

with build as (
    select
        position_key,
        body_type,
        effective_government_level,
        rules_entity_classification,
        rules_organizational_level,
        assumptions_applied,
        tpm_management
    from {{ ref('int_positions_classified') }}
),

assumptions as (
    select assumption from {{ ref('assumptions') }}
),

-- Body types whose group an assumption sets in every classification (body_type_groups), and the
-- (body type, classification) pairs it sets alone (body_group_overrides; applied: its assumption is
-- on in this build, so the override decides the group whatever the other assumptions say).
assumption_body_types as (
    select assumption, body_type from {{ ref('body_type_groups') }} where nullif(assumption, '') is not null
),

assumption_overrides as (
    select o.assumption, o.body_type, o.entity_classification, f.is_on as applied
    from {{ ref('body_group_overrides') }} as o
    inner join (values ('A1', {{ a1 }}), ('A2', {{ a2 }}), ('A3', {{ a3 }}), ('A4', {{ a4 }}))
        as f (assumption, is_on)
        on f.assumption = o.assumption
),

-- Table cells read one way or the other depending on an assumption.
assumption_cells as (
    select distinct assumption, government_level, entity_classification, organizational_level
    from {{ ref('classification_rules') }}
    where nullif(assumption, '') is not null
),

movable as (
    -- Decided by the assumption in this build (A2: every position of a type-B unit read through its
    -- parent, which is also all that A2's variants read differently).
    -- (One row per listed assumption, then an equality join: a list_contains condition is a nested
    -- loop over every position x assumption.)
    select a.assumption, b.position_key
    from (
        select position_key, unnest(string_split(assumptions_applied, ',')) as assumption
        from build
        where assumptions_applied is not null
    ) as b
    inner join assumptions as a
        on a.assumption = b.assumption
    union
    -- Whose body group the assumption sets (switched off, another group and other rows apply): an
    -- override only for its own classification, which switching off one of A1, A3, A4 leaves as in
    -- the build (only A2 changes the row read, and its positions are in the first branch)...
    select o.assumption, b.position_key
    from build as b
    inner join assumption_overrides as o
        on o.body_type = b.body_type
        and o.entity_classification = b.rules_entity_classification
    union
    -- ... a body-type group unless another assumption's override, applied in the build and in the
    -- scenario alike, decides the group instead (A1's decentralized bodies that A4 makes careers).
    select t.assumption, b.position_key
    from build as b
    inner join assumption_body_types as t
        on t.body_type = b.body_type
    anti join assumption_overrides as o
        on o.body_type = b.body_type
        and o.entity_classification = b.rules_entity_classification
        and o.applied
        and o.assumption <> t.assumption
    union
    -- Whose table cell has a row for each state of the assumption.
    select c.assumption, b.position_key
    from build as b
    inner join assumption_cells as c
        on c.government_level = b.effective_government_level
        and c.entity_classification = b.rules_entity_classification
        and c.organizational_level = b.rules_organizational_level
    union
    -- Table 11 item 3 ranks the positions naming one regional management against each other: the
    -- ones ranked in this build are re-read in every scenario, so a moved position's rank is exact.
    select a.assumption, b.position_key
    from build as b
    cross join assumptions as a
    where b.tpm_management is not null
)

select 'A1' as assumption, 'off' as scenario, position_key, servant_group, role, is_tpm
from ({{ classify_positions(false, a2, a3, chosen, a4, positions_where=only.format('A1')) }})
union all
select 'A2' as assumption, 'off' as scenario, position_key, servant_group, role, is_tpm
from ({{ classify_positions(a1, false, a3, chosen, a4, positions_where=only.format('A2')) }})
union all
select 'A3' as assumption, 'off' as scenario, position_key, servant_group, role, is_tpm
from ({{ classify_positions(a1, a2, false, chosen, a4, positions_where=only.format('A3')) }})
union all
select 'A4' as assumption, 'off' as scenario, position_key, servant_group, role, is_tpm
from ({{ classify_positions(a1, a2, a3, chosen, false, positions_where=only.format('A4')) }})
{%- for variant in variants %}
union all
select 'A2' as assumption, 'variant:{{ variant }}' as scenario, position_key, servant_group, role, is_tpm
from ({{ classify_positions(a1, a2, a3, variant, a4, positions_where=only.format('A2')) }})
{%- endfor %}
