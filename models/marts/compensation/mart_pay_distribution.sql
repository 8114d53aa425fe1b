-- How is current monthly pay distributed? One row per snapshot x servant group x role x TPM x
-- government level x sector x labor regime x organizational level, over occupied positions with
-- pay only (has_pay). Percentiles interpolate linearly (quantile_cont); Gini: macros/compensation.sql.
-- The five percentiles come from one quantile_cont over a list of fractions: each group's pays
-- are ordered once, not once per percentile (same values).
with cells as (
    select
        snapshot,
        snapshot_date,
        servant_group,
        role,
        is_tpm,
        government_level,
        sector,
        labor_regime,
        organizational_level,
        count(*) as people,
        quantile_cont(monthly_pay, [0.5, 0.10, 0.25, 0.75, 0.90]) as pay_quantiles,
        avg(monthly_pay) as mean_pay,
        {{ gini('monthly_pay') }} as gini,
        'PEN' as currency,
        price_year
    from {{ ref('int_compensation_positions') }}
    where has_pay
    group by all
)

select
    snapshot,
    snapshot_date,
    servant_group,
    role,
    is_tpm,
    government_level,
    sector,
    labor_regime,
    organizational_level,
    people,
    pay_quantiles[1] as median_pay,
    pay_quantiles[2] as p10_pay,
    pay_quantiles[3] as p25_pay,
    pay_quantiles[4] as p75_pay,
    pay_quantiles[5] as p90_pay,
    mean_pay,
    gini,
    currency,
    price_year
from cells
