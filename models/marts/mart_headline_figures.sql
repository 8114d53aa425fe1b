-- The headline figures every report page shows, one definition each (one row per snapshot), so
-- that "Puestos directivos" or the appointed share cannot differ from page to page:
--   management_positions  positions heading a body or unit (seed servant_groups.heads_a_body): SERVIR's
--                         11,003, which include the public officers heading units (Graph 3)
--   appointed_share       appointed (confianza) among them; null when the registry says nothing
--                         about appointments (macros/appointments.sql), never 0
--   has_labor_regime_data whether the registry gives any position's labor regime (macros/labor_regimes.sql):
--                         without it, Public Managers Corps figures are "sin dato" on the pages, not 0
--   pm_positions, tpm_positions, pm_appointed_share: the public managers group (RULES.md)
--   entities_breaching_caps: entities (and type-B units) above either confianza cap (mart_confianza_caps)
with positions as (
    select
        p.snapshot,
        p.snapshot_date,
        p.servant_group,
        coalesce(p.is_tpm, false) as is_tpm,
        p.appointment_type,
        p.labor_regime,
        g.heads_a_body
    from {{ ref('int_positions_classified') }} as p
    inner join {{ ref('servant_groups') }} as g
        on g.servant_group = p.servant_group
),

counts as (
    select
        snapshot,
        any_value(snapshot_date) as snapshot_date,
        count(*) filter (where {{ appointment_known('appointment_type') }}) > 0 as has_appointment_data,
        count(*) filter (where {{ labor_regime_known('labor_regime') }}) > 0 as has_labor_regime_data,
        count(*) filter (where heads_a_body) as management_positions,
        count(*) filter (where heads_a_body and appointment_type = 'appointed') as appointed_positions,
        count(*) filter (where servant_group = 'PM') as pm_positions,
        count(*) filter (where servant_group = 'PM' and is_tpm) as tpm_positions,
        count(*) filter (where servant_group = 'PM' and appointment_type = 'appointed') as pm_appointed_positions
    from positions
    group by snapshot
),

caps as (
    select
        snapshot,
        count(*) as entities_checked,
        count(*) filter (where pm_cap_breach or entity_cap_breach) as entities_breaching_caps
    from {{ batch_rows(ref('mart_confianza_caps')) }}
    group by snapshot
)

select
    c.snapshot,
    c.snapshot_date,
    c.has_appointment_data,
    c.has_labor_regime_data,
    c.management_positions,
    case when c.has_appointment_data then c.appointed_positions end as appointed_positions,
    case when c.has_appointment_data then c.appointed_positions / nullif(c.management_positions, 0) end
        as appointed_share,
    c.pm_positions,
    c.pm_positions / nullif(c.management_positions, 0) as pm_share,
    c.tpm_positions,
    c.tpm_positions / nullif(c.pm_positions, 0) as tpm_share_of_pm,
    case when c.has_appointment_data then c.pm_appointed_positions end as pm_appointed_positions,
    case when c.has_appointment_data then c.pm_appointed_positions / nullif(c.pm_positions, 0) end
        as pm_appointed_share,
    coalesce(k.entities_checked, 0) as entities_checked,
    case when c.has_appointment_data then coalesce(k.entities_breaching_caps, 0) end as entities_breaching_caps
from counts as c
left join caps as k
    on k.snapshot = c.snapshot
