-- Per entity: are appointed (confianza) servants within the legal caps? (RULES.md §5)
-- 1. appointed PM <= 20% of the entity's PM positions (Art. 38, seed 004 line 590);
-- 2. all appointed servants <= 5% of the entity's total positions, bounded to [2, 50] (Art. 29,
--    004:510). Appointed (confianza) servants are a category distinct from public officers
--    (004:142): appointed positions of groups that are not management positions (public officers,
--    excluded) are not in the numerator (appointed_officers shows them apart).
-- The registry holds management positions only, so appointed_positions counts appointed
-- management positions: a lower bound of the entity's appointed servants.
-- Rounding and type-B units: the default reading of seeds/rules/confianza_cap_readings.csv (the
-- largest whole number not above the share; each entity capped on its own). Every reading's
-- breach counts are in mart_confianza_cap_excess.
with parameters as (
    select
        max(value) filter (where parameter = 'pm_appointed_max_share') as pm_cap_share,
        max(value) filter (where parameter = 'entity_appointed_max_share') as entity_cap_share,
        max(value) filter (where parameter = 'entity_appointed_min') as entity_cap_min,
        max(value) filter (where parameter = 'entity_appointed_max') as entity_cap_max,
        (select min(rounding_offset) from {{ ref('confianza_cap_readings') }} where is_default) as rounding_offset
    from {{ ref('confianza_cap_parameters') }}
),

positions as (
    select
        p.snapshot,
        p.entity_id,
        count(*) as management_positions,
        count(*) filter (where p.servant_group = 'PM') as pm_positions,
        count(*) filter (where p.servant_group = 'PM' and p.appointment_type = 'appointed') as appointed_pm,
        count(*) filter (where p.appointment_type = 'appointed' and g.counts_in_confianza_cap) as appointed_positions,
        count(*) filter (where p.appointment_type = 'appointed' and not g.counts_in_confianza_cap) as appointed_officers,
        -- A registry that says nothing about appointments (the gob.pe directory) cannot be checked:
        -- its breach flags are null ("sin dato"), never a false "within the cap".
        count(*) filter (where {{ appointment_known('p.appointment_type') }}) > 0 as has_appointment_data
    from {{ ref('int_positions_classified') }} as p
    inner join {{ ref('servant_groups') }} as g
        on g.servant_group = p.servant_group
    group by all
),

entities as (
    select * from {{ ref('int_entities_classified') }}
),

counted as (
    select
        e.snapshot,
        e.snapshot_date,
        e.entity_id,
        e.entity_name,
        e.government_level,
        e.entity_classification,
        e.parent_entity_id,
        e.sector,
        e.total_positions,
        coalesce(p.management_positions, 0) as management_positions,
        coalesce(p.pm_positions, 0) as pm_positions,
        coalesce(p.appointed_pm, 0) as appointed_pm,
        coalesce(p.appointed_positions, 0) as appointed_positions,
        coalesce(p.appointed_officers, 0) as appointed_officers,
        coalesce(p.has_appointment_data, false) as has_appointment_data,
        k.*
    from entities as e
    left join positions as p
        on p.snapshot = e.snapshot
        and p.entity_id = e.entity_id
    cross join parameters as k
)

select
    snapshot,
    snapshot_date,
    entity_id,
    entity_name,
    government_level,
    entity_classification,
    parent_entity_id,
    sector,
    management_positions,
    pm_positions,
    appointed_pm,
    appointed_pm / nullif(pm_positions, 0) as appointed_pm_share,
    pm_cap_share,
    -- Largest whole number of appointed PM within the share (breach <=> appointed_pm above it).
    cast(floor(pm_cap_share * pm_positions + rounding_offset + 1e-9) as bigint) as pm_cap_max_appointed,
    case when has_appointment_data then
        appointed_pm > floor(pm_cap_share * pm_positions + rounding_offset + 1e-9)
    end as pm_cap_breach,
    appointed_positions,
    appointed_officers,
    total_positions,
    entity_cap_share,
    -- Null when the registry gives no total_positions: the cap cannot be checked (DuckDB's
    -- greatest() skips nulls, so the null is kept explicitly).
    case when total_positions is not null then
        cast(least(entity_cap_max, greatest(entity_cap_min,
            floor(entity_cap_share * total_positions + rounding_offset + 1e-9))) as bigint)
    end as entity_cap_max_appointed,
    case when total_positions is not null and has_appointment_data then
        appointed_positions
            > least(entity_cap_max, greatest(entity_cap_min,
                floor(entity_cap_share * total_positions + rounding_offset + 1e-9)))
    end as entity_cap_breach
from counted
