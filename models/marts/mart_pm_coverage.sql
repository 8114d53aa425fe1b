-- Who holds the public-manager and Top Public Management positions? Per snapshot x government
-- level (and 'total') x scope (PM = every PM position, TPM = its Table 11 subset): positions,
-- occupied positions, positions held by Public Managers Corps members (labor_regime pmc: the corps'
-- coverage of the group SERVIR 2016 ch. III builds), by appointees, and by women among occupied
-- positions whose occupant's sex is recorded.
with pm as (
    select
        snapshot,
        snapshot_date,
        effective_government_level,
        is_tpm,
        coalesce(appointment_type, '') <> 'vacant' as is_occupied,
        labor_regime,
        appointment_type,
        sex
    from {{ ref('int_positions_classified') }}
    where servant_group = 'PM'
        and effective_government_level is not null
),

scoped as (
    select *, 'PM' as scope from pm
    union all
    select *, 'TPM' as scope from pm where is_tpm
),

counted as (
    select
        snapshot,
        any_value(snapshot_date) as snapshot_date,
        coalesce(effective_government_level, 'total') as government_level,
        scope,
        count(*) as positions,
        count(*) filter (where is_occupied) as occupied_positions,
        count(*) filter (where is_occupied and labor_regime = 'pmc') as pmc_positions,
        count(*) filter (where is_occupied and appointment_type = 'appointed') as appointed_positions,
        count(*) filter (where is_occupied and sex in ('F', 'M')) as positions_with_sex,
        count(*) filter (where is_occupied and sex = 'F') as women
    from scoped
    group by grouping sets ((snapshot, effective_government_level, scope), (snapshot, scope))
)

select
    *,
    pmc_positions / nullif(occupied_positions, 0) as pmc_share,
    appointed_positions / nullif(occupied_positions, 0) as appointed_share,
    women / nullif(positions_with_sex, 0) as women_share
from counted
