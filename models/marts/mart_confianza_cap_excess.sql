-- How far are entities above the appointee caps, by government level and sector, under each
-- reading the law leaves open (seeds/rules/confianza_cap_readings.csv: rounding floor/round;
-- type-B units capped on their own or with their parent)? Appointees above a cap are the positions
-- that must be filled by merit competition to comply (SERVIR 2016 sec. 2.3; Ley 30057 Arts. 29
-- and 38, seed 004 lines 510 and 590). Public officers are not in the 5% numerator (004:142).
with parameters as (
    select
        max(value) filter (where parameter = 'pm_appointed_max_share') as pm_cap_share,
        max(value) filter (where parameter = 'entity_appointed_max_share') as entity_cap_share,
        max(value) filter (where parameter = 'entity_appointed_min') as entity_cap_min,
        max(value) filter (where parameter = 'entity_appointed_max') as entity_cap_max
    from {{ ref('confianza_cap_parameters') }}
),

readings as (select * from {{ ref('confianza_cap_readings') }}),

classes as (select entity_classification, is_type_b_class from {{ ref('entity_classifications') }}),

entities as (
    select
        e.*,
        coalesce(e.is_type_b, false) or coalesce(c.is_type_b_class, false) as is_type_b_unit,
        parent.entity_id as parent_in_snapshot
    from {{ ref('int_entities_classified') }} as e
    left join classes as c
        on c.entity_classification = e.entity_classification
    left join {{ ref('int_entities_classified') }} as parent
        on parent.snapshot = e.snapshot
        and parent.entity_id = e.parent_entity_id
),

positions as (
    select
        p.snapshot,
        p.entity_id,
        count(*) filter (where p.servant_group = 'PM') as pm_positions,
        count(*) filter (where p.servant_group = 'PM' and p.appointment_type = 'appointed') as appointed_pm,
        count(*) filter (where p.appointment_type = 'appointed' and g.counts_in_confianza_cap) as appointed_positions,
        -- As in mart_confianza_caps: an entity whose positions say nothing about appointments cannot be
        -- checked; its appointees are unknown (null), never 0 within the cap.
        count(*) filter (where {{ appointment_known('p.appointment_type') }}) > 0 as has_appointment_data
    from {{ ref('int_positions_classified') }} as p
    inner join {{ ref('servant_groups') }} as g
        on g.servant_group = p.servant_group
    group by all
),

-- Each entity's counts under each reading, assigned to the entity that is capped.
assigned as (
    select
        r.reading,
        e.snapshot,
        case when r.pool_type_b_with_parent and e.is_type_b_unit and e.parent_in_snapshot is not null
            then e.parent_in_snapshot else e.entity_id end as cap_entity_id,
        coalesce(p.pm_positions, 0) as pm_positions,
        coalesce(p.appointed_pm, 0) as appointed_pm,
        coalesce(p.appointed_positions, 0) as appointed_positions,
        coalesce(p.has_appointment_data, false) as has_appointment_data,
        e.total_positions
    from readings as r
    cross join entities as e
    left join positions as p
        on p.snapshot = e.snapshot
        and p.entity_id = e.entity_id
),

capped as (
    select
        a.reading,
        a.snapshot,
        a.cap_entity_id,
        sum(a.pm_positions) as pm_positions,
        sum(a.appointed_pm) as appointed_pm,
        sum(a.appointed_positions) as appointed_positions,
        bool_or(a.has_appointment_data) as has_appointment_data,
        -- Pooled: the cap base is the sum of the known totals; unknown if none is known.
        sum(a.total_positions) as total_positions
    from assigned as a
    group by all
),

checked as (
    select
        c.*,
        e.government_level,
        e.sector,
        r.rounding,
        r.is_default,
        floor(k.pm_cap_share * c.pm_positions + r.rounding_offset + 1e-9) as pm_cap_max_appointed,
        case when c.total_positions is not null then
            least(k.entity_cap_max, greatest(k.entity_cap_min,
                floor(k.entity_cap_share * c.total_positions + r.rounding_offset + 1e-9)))
        end as entity_cap_max_appointed
    from capped as c
    inner join readings as r
        on r.reading = c.reading
    inner join entities as e
        on e.snapshot = c.snapshot
        and e.entity_id = c.cap_entity_id
    cross join parameters as k
)

select
    snapshot,
    reading,
    is_default,
    rounding,
    coalesce(government_level, 'unknown') as government_level,
    sector,
    count(*) as entities,
    cast(sum(pm_positions) as bigint) as pm_positions,
    -- Appointee counts, breaches and excess cover the entities with appointment data; a group with
    -- none has them null ("sin dato"), never 0.
    cast(sum(appointed_pm) filter (where has_appointment_data) as bigint) as appointed_pm,
    case when bool_or(has_appointment_data) then
        count(*) filter (where has_appointment_data and appointed_pm > pm_cap_max_appointed)
    end as pm_cap_breaches,
    -- Appointed PM above the 20% cap: merit competitions needed to comply.
    cast(sum(greatest(appointed_pm - pm_cap_max_appointed, 0)) filter (where has_appointment_data) as bigint)
        as appointed_pm_above_cap,
    count(*) filter (where entity_cap_max_appointed is not null) as entities_with_total_positions,
    cast(sum(appointed_positions) filter (where entity_cap_max_appointed is not null and has_appointment_data)
        as bigint) as appointed_positions,
    case when bool_or(has_appointment_data) then
        count(*) filter (where has_appointment_data and appointed_positions > entity_cap_max_appointed)
    end as entity_cap_breaches,
    case when bool_or(has_appointment_data) then
        cast(coalesce(sum(greatest(appointed_positions - entity_cap_max_appointed, 0))
            filter (where entity_cap_max_appointed is not null and has_appointment_data), 0) as bigint)
    end as appointed_above_entity_cap
from checked
group by all
