-- How is current monthly pay distributed? One row per snapshot x servant group x role x TPM x
-- government level x sector x labor regime x organizational level, over occupied positions with
-- pay only (has_pay). Percentiles interpolate linearly (quantile_cont); Gini: macros/compensation.sql.
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
    quantile_cont(monthly_pay, 0.5) as median_pay,
    quantile_cont(monthly_pay, 0.10) as p10_pay,
    quantile_cont(monthly_pay, 0.25) as p25_pay,
    quantile_cont(monthly_pay, 0.75) as p75_pay,
    quantile_cont(monthly_pay, 0.90) as p90_pay,
    avg(monthly_pay) as mean_pay,
    {{ gini('monthly_pay') }} as gini,
    'PEN' as currency,
    price_year
from {{ ref('int_compensation_positions') }}
where has_pay
group by all
