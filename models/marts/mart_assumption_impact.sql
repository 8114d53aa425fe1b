-- What did each assumption (RULES.md §3) change? For each assumption, the positions whose servant
-- group, role or TPM status differs between this build and the same build with only that
-- assumption switched off (scenario 'off'): from = without the assumption, to = this build.
-- A2 also has one scenario per other variant of its type-B reading ('variant:<name>',
-- seeds/rules/type_b_readings.csv): from = read with that variant, to = this build.
-- Every snapshot x assumption x scenario has at least one row (positions_moved = 0, from/to empty,
-- if none moved).
with build as (
    select * from {{ ref('int_positions_classified') }}
),

scenarios as (
    select * from {{ ref('int_assumption_scenarios') }}
),

assumptions as (
    select assumption, var_name, description from {{ ref('assumptions') }}
),

snapshots as (
    select distinct snapshot, snapshot_date from build
),

-- Every scenario int_assumption_scenarios reads, also when it had no position to re-read: 'off' for
-- each assumption, and A2 read with each type-B variant other than the chosen one.
{%- set chosen = var('type_b_variant', '') %}
scenario_list as (
    select assumption, 'off' as scenario from assumptions
    union
    select distinct 'A2' as assumption, 'variant:' || variant as scenario
    from {{ ref('type_b_readings') }}
    where {% if chosen %}variant <> '{{ chosen }}'{% else %}not is_default{% endif %}
),

touched as (
    -- Positions the assumption decided in this build (int_positions_classified.assumptions_applied).
    -- (One row per listed assumption, then an equality join: a list_contains condition is a nested
    -- loop over every position x assumption.)
    select b.snapshot, a.assumption, count(*) as positions_touched
    from (
        select snapshot, unnest(string_split(assumptions_applied, ',')) as assumption
        from build
        where assumptions_applied is not null
    ) as b
    inner join assumptions as a
        on a.assumption = b.assumption
    group by all
),

moves as (
    select
        b.snapshot,
        s.assumption,
        s.scenario,
        s.servant_group as from_servant_group,
        s.role as from_role,
        s.is_tpm as from_is_tpm,
        b.servant_group as to_servant_group,
        b.role as to_role,
        b.is_tpm as to_is_tpm,
        count(*) as positions_moved
    from scenarios as s
    inner join build as b
        on b.position_key = s.position_key
    where s.servant_group is distinct from b.servant_group
        or s.role is distinct from b.role
        or s.is_tpm is distinct from b.is_tpm
    group by all
)

select
    sn.snapshot,
    sn.snapshot_date,
    a.assumption,
    a.description,
    a.var_name,
    sl.scenario,
    {%- set flags = {'A1': flag('assume_a1'), 'A2': flag('assume_a2'), 'A3': flag('assume_a3'),
                     'A4': flag('assume_a4')} %}
    a.assumption in ({{ "'" ~ (flags | dictsort | selectattr(1) | map(attribute=0) | join("', '")) ~ "'" }})
        as assumption_on,
    coalesce(t.positions_touched, 0) as positions_touched,
    m.from_servant_group,
    m.from_role,
    m.from_is_tpm,
    m.to_servant_group,
    m.to_role,
    m.to_is_tpm,
    coalesce(m.positions_moved, 0) as positions_moved,
    cast(sum(coalesce(m.positions_moved, 0)) over (partition by sn.snapshot, a.assumption, sl.scenario)
        as bigint) as assumption_positions_moved
from snapshots as sn
cross join assumptions as a
inner join scenario_list as sl
    on sl.assumption = a.assumption
left join touched as t
    on t.snapshot = sn.snapshot
    and t.assumption = a.assumption
left join moves as m
    on m.snapshot = sn.snapshot
    and m.assumption = a.assumption
    and m.scenario = sl.scenario
