-- Each position of each snapshot set against the same position (position_id) in the previous
-- snapshot of the same series (stg_registry__snapshots: a real extract is never compared with the
-- synthetic sample), so every change between consecutive snapshots is one row. Snapshots are
-- ordered by snapshot_date, then name (undated names first, as pipelines.build.marts orders them); the
-- first snapshot of a series has no previous one and yields no rows.
--
-- Why not dbt snapshots: they record history in the warehouse as builds happen, so the history
-- would depend on which builds ran and could not be rebuilt. Here every staged snapshot is kept
-- (data/staging/<snapshot>/) and a full build makes the history again from all of them, so the
-- comparison is a pure function of the inputs: same snapshots in, same changes out. An
-- incremental build (macros/batch.sql) compares only the snapshots it stages, each with the one
-- before it as int_position_history kept it: the same rows a full build gives them.
with snapshot_order as (
    select
        snapshot,
        any_value(snapshot_date) as snapshot_date,
        any_value(series) as series
    from {{ ref('int_position_history') }}
    group by snapshot
),

pairs as (
    select
        snapshot,
        snapshot_date,
        series,
        lag(snapshot) over series_order as previous_snapshot,
        lag(snapshot_date) over series_order as previous_snapshot_date
    from snapshot_order
    window series_order as (partition by series order by snapshot_date asc nulls first, snapshot)
    -- Ordered over every snapshot kept, then narrowed to this build's (a full build: all of them).
    qualify snapshot in (select snapshot from {{ ref('stg_registry__snapshots') }})
),

current_side as not materialized (
    select p.*
    from {{ ref('int_position_history') }} as p
    inner join pairs on pairs.snapshot = p.snapshot and pairs.previous_snapshot is not null
),

previous_side as not materialized (
    select
        pairs.snapshot as compared_with,
        p.*
    from {{ ref('int_position_history') }} as p
    inner join pairs on pairs.previous_snapshot = p.snapshot
),

matched as (
    select
        coalesce(cur.snapshot, prev.compared_with) as snapshot,
        coalesce(cur.position_id, prev.position_id) as position_id,
        cur.position_key is not null as in_current,
        prev.position_key is not null as in_previous,
        -- Where the position is now, or where it was if it no longer exists.
        coalesce(cur.entity_id, prev.entity_id) as entity_id,
        coalesce(cur.entity_name, prev.entity_name) as entity_name,
        coalesce(cur.effective_government_level, prev.effective_government_level,
                 cur.government_level, prev.government_level, 'unknown') as government_level,
        coalesce(cur.servant_group, prev.servant_group) as servant_group,
        case when cur.position_key is not null then cur.role else prev.role end as role,
        prev.entity_id as previous_entity_id,
        cur.servant_group as current_servant_group,
        prev.servant_group as previous_servant_group,
        cur.role as current_role,
        prev.role as previous_role,
        cur.is_tpm as current_is_tpm,
        prev.is_tpm as previous_is_tpm,
        cur.organizational_level as current_organizational_level,
        prev.organizational_level as previous_organizational_level,
        cur.body_type as current_body_type,
        prev.body_type as previous_body_type,
        cur.appointment_type as current_appointment_type,
        prev.appointment_type as previous_appointment_type,
        cur.monthly_pay as current_monthly_pay,
        prev.monthly_pay as previous_monthly_pay,
        -- Occupancy needs occupant IDs in both extracts; without them every flag below is false.
        -- The pseudonymized occupant keys (keyed hashes) are compared here and not kept.
        cur.position_key is not null and prev.position_key is not null and prev.occupant_key is not null
            as was_occupied,
        cur.position_key is not null and prev.position_key is not null and prev.occupant_key is not null
            and cur.occupant_key is not null and cur.occupant_key <> prev.occupant_key as is_occupant_replaced,
        cur.position_key is not null and prev.position_key is not null and prev.occupant_key is not null
            and cur.occupant_key is null as is_vacated,
        cur.position_key is not null and prev.position_key is not null and prev.occupant_key is null
            and cur.occupant_key is not null as is_filled
    from current_side as cur
    full outer join previous_side as prev
        on prev.compared_with = cur.snapshot
        and prev.position_id = cur.position_id
),

-- An entity renamed between the snapshots keeps one name: the current one (a removed position
-- would otherwise carry the old name and split the entity in two). Taken from both sides' rows
-- (not materialized: each side is read again) rather than from `matched`: read twice, DuckDB
-- stored all of `matched` (1.5 M rows x ~30 columns at scale 127) first, a third of this
-- model's CPU; and an aggregate joined back rather than a window, which sorted every row.
entity_names as (
    select snapshot, entity_id, arg_max(entity_name, is_current) as entity_name
    from (
        select snapshot, entity_id, entity_name, true as is_current from current_side
        union all
        select compared_with, entity_id, entity_name, false from previous_side
    )
    group by snapshot, entity_id
)

select
    m.snapshot,
    pairs.series,
    pairs.snapshot_date,
    pairs.previous_snapshot,
    pairs.previous_snapshot_date,
    m.* exclude (snapshot, entity_name),
    n.entity_name,
    g.is_management_position,  -- of the group it is counted under (seeds/rules/servant_groups.csv)
    in_current and not in_previous as is_new,
    in_previous and not in_current as is_removed,
    in_current and in_previous and (
        current_servant_group is distinct from previous_servant_group
        or current_role is distinct from previous_role
        or coalesce(current_is_tpm, false) <> coalesce(previous_is_tpm, false)
    ) as is_reclassified,
    in_current and in_previous and m.entity_id is distinct from previous_entity_id as is_entity_changed,
    in_current and in_previous and current_monthly_pay is distinct from previous_monthly_pay as is_pay_changed
from matched as m
inner join pairs on pairs.snapshot = m.snapshot
inner join entity_names as n on n.snapshot = m.snapshot and n.entity_id is not distinct from m.entity_id
inner join {{ ref('servant_groups') }} as g on g.servant_group = m.servant_group
