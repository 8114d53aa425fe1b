-- How does the public managers group evolve from snapshot to snapshot (within one series)? One row per snapshot and
-- effective government level, plus an 'all' row per snapshot; each row carries the previous
-- snapshot's figures so the change needs no second table. Pay medians over has_pay positions
-- (occupied, pay > 0), as in the compensation marts.
with by_level as (
    select
        snapshot,
        any_value(snapshot_date) as snapshot_date,
        coalesce(government_level, 'all') as government_level,
        count(*) filter (where is_management_position) as management_positions,
        count(*) filter (where servant_group = 'PO') as po_positions,
        count(*) filter (where servant_group = 'PM') as pm_positions,
        count(*) filter (where servant_group = 'PM' and is_tpm) as tpm_positions,
        count(*) filter (where servant_group = 'CA') as ca_positions,
        count(*) filter (where servant_group = 'not_determined') as not_determined_positions,
        count(*) filter (where servant_group = 'PM' and appointment_type = 'appointed') as pm_appointed,
        count(*) filter (where is_management_position and appointment_type = 'appointed')
            as management_appointed,
        count(*) filter (where servant_group = 'PM' and has_pay) as pm_with_pay,
        quantile_cont(monthly_pay, 0.5) filter (where servant_group = 'PM' and has_pay) as median_pay_pm,
        count(*) filter (where is_management_position and has_pay) as management_with_pay,
        quantile_cont(monthly_pay, 0.5) filter (where is_management_position and has_pay)
            as median_pay_management
    from {{ ref('int_compensation_positions') }}
    group by grouping sets ((snapshot, government_level), (snapshot))
),

shares as (
    select
        b.snapshot,
        s.series,
        b.* exclude (snapshot),
        b.pm_appointed::double / nullif(b.pm_positions, 0) as pm_appointed_share,
        b.management_appointed::double / nullif(b.management_positions, 0) as management_appointed_share
    from by_level as b
    inner join {{ ref('stg_registry__snapshots') }} as s
        on s.snapshot = b.snapshot
),

-- The snapshots before the batch's are compared with too: in an incremental run (macros/batch.sql)
-- their figures are this mart's own rows, kept from the builds that made them.
compared as (
    select * from shares
    {%- if snapshot_rows_incremental() %}
    union all by name
    select * exclude (previous_snapshot, previous_pm_positions, previous_tpm_positions,
                      previous_management_positions, previous_pm_appointed_share, previous_median_pay_pm,
                      previous_pm_with_pay, pm_change, tpm_change, management_change, median_pay_pm_change_pct)
    from {{ this }}
    where snapshot not in (select snapshot from shares)
    {%- endif %}
)

select
    *,
    lag(snapshot) over w as previous_snapshot,
    lag(pm_positions) over w as previous_pm_positions,
    lag(tpm_positions) over w as previous_tpm_positions,
    lag(management_positions) over w as previous_management_positions,
    lag(pm_appointed_share) over w as previous_pm_appointed_share,
    lag(median_pay_pm) over w as previous_median_pay_pm,
    lag(pm_with_pay) over w as previous_pm_with_pay,
    pm_positions - lag(pm_positions) over w as pm_change,
    tpm_positions - lag(tpm_positions) over w as tpm_change,
    management_positions - lag(management_positions) over w as management_change,
    median_pay_pm / nullif(lag(median_pay_pm) over w, 0) - 1 as median_pay_pm_change_pct
from compared
-- Consecutive snapshots of the same series only (stg_registry__snapshots).
window w as (partition by series, government_level order by snapshot_date asc nulls first, snapshot)
-- Only the batch's rows are this run's to write.
qualify snapshot in (select snapshot from shares)
