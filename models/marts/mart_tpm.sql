-- How many public-manager positions are Top Public Management, by government level?
-- (SERVIR 2016 Table 12 shape; the row government_level = 'total' is the column total.) With the
-- bounds of a registry read from titles: confirmed, still to review, and the upper bound once every
-- position still to review at that level is counted (mart_servant_groups explains them).
with pm as (
    select snapshot, snapshot_date, effective_government_level as government_level, is_tpm, needs_review
    from {{ ref('int_positions_classified') }}
    where servant_group = 'PM'
),

review as (
    select snapshot, effective_government_level as government_level, count(*) as positions_to_review
    from {{ ref('int_positions_classified') }}
    where needs_review
    group by all
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
        count(pm.is_tpm) as pm,
        count(pm.is_tpm) filter (where pm.is_tpm and not pm.needs_review) as tpm_confirmed,
        count(pm.is_tpm) filter (where pm.is_tpm and pm.needs_review) as tpm_to_review,
        count(pm.is_tpm) filter (where not pm.needs_review) as pm_confirmed,
        count(pm.is_tpm) filter (where pm.needs_review) as pm_to_review
    from snapshots as s
    cross join levels as l
    left join pm
        on pm.snapshot = s.snapshot
        and pm.government_level = l.government_level
    group by all
),

by_level_reviewed as (
    select b.*, coalesce(r.positions_to_review, 0) as positions_to_review
    from by_level as b
    left join review as r
        on r.snapshot = b.snapshot
        and r.government_level = b.government_level
),

with_total as (
    select * from by_level_reviewed
    union all
    select
        snapshot, snapshot_date, 'total', sum(tpm), sum(pm_not_tpm), sum(pm), sum(tpm_confirmed),
        sum(tpm_to_review), sum(pm_confirmed), sum(pm_to_review), sum(positions_to_review)
    from by_level_reviewed
    group by all
)

select
    snapshot,
    snapshot_date,
    government_level,
    cast(tpm as bigint) as tpm,
    cast(pm_not_tpm as bigint) as pm_not_tpm,
    cast(pm as bigint) as pm,
    cast(tpm_confirmed as bigint) as tpm_confirmed,
    cast(tpm_to_review as bigint) as tpm_to_review,
    cast(pm_confirmed as bigint) as pm_confirmed,
    cast(pm_to_review as bigint) as pm_to_review,
    cast(positions_to_review as bigint) as positions_to_review,
    cast(pm_confirmed + positions_to_review as bigint) as pm_upper_bound,
    cast(tpm_confirmed + positions_to_review as bigint) as tpm_upper_bound,
    tpm / nullif(pm, 0) as tpm_share_of_pm,
    tpm / nullif(sum(tpm) filter (where government_level <> 'total') over (partition by snapshot), 0)
        as share_of_all_tpm
from with_total
