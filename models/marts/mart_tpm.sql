-- How many public-manager positions are Top Public Management, by government level?
-- (SERVIR 2016 Table 12 shape; the row government_level = 'total' is the column total.)
with pm as (
    select snapshot, snapshot_date, effective_government_level as government_level, is_tpm
    from {{ ref('int_positions_classified') }}
    where servant_group = 'PM'
),

snapshots as (
    select distinct snapshot, snapshot_date from {{ ref('int_positions_classified') }}
),

-- Every level that has a classification table gets a row even with no PM; so does any level that has PM.
levels as (
    select distinct government_level from {{ ref('classification_rules') }}
    union
    select distinct government_level from pm where government_level is not null
),

by_level as (
    select
        s.snapshot,
        s.snapshot_date,
        l.government_level,
        count(pm.is_tpm) filter (where pm.is_tpm) as tpm,
        count(pm.is_tpm) filter (where not pm.is_tpm) as pm_not_tpm,
        count(pm.is_tpm) as pm
    from snapshots as s
    cross join levels as l
    left join pm
        on pm.snapshot = s.snapshot
        and pm.government_level = l.government_level
    group by all
),

with_total as (
    select * from by_level
    union all
    select snapshot, snapshot_date, 'total', sum(tpm), sum(pm_not_tpm), sum(pm)
    from by_level
    group by all
)

select
    snapshot,
    snapshot_date,
    government_level,
    cast(tpm as bigint) as tpm,
    cast(pm_not_tpm as bigint) as pm_not_tpm,
    cast(pm as bigint) as pm,
    tpm / nullif(pm, 0) as tpm_share_of_pm,
    tpm / nullif(sum(tpm) filter (where government_level <> 'total') over (partition by snapshot), 0)
        as share_of_all_tpm
from with_total
