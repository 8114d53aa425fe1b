-- The pay figures the reports show: quantiles of current monthly pay over occupied positions with
-- pay (has_pay, as every compensation mart), per servant group x pay category (the PM role PS/S/OS;
-- the group otherwise) x government level, with 'all' rows for the whole group and for every level. The
-- brief's median PM pay (00) and the pay box plot (04) read it; the figures are computed here, once,
-- and tested by dbt, not in the notebooks. Percentiles interpolate linearly (quantile_cont), the
-- five from one quantile_cont over a list of fractions: each cell's pays are ordered once.
with cells as (
    select
        snapshot,
        any_value(snapshot_date) as snapshot_date,
        servant_group,
        case when grouping(pay_category) = 1 then 'all' else coalesce(pay_category, 'unknown') end as pay_category,
        case when grouping(government_level) = 1 then 'all' else government_level end as government_level,
        count(*) as people,
        quantile_cont(monthly_pay, [0.10, 0.25, 0.5, 0.75, 0.90]) as pay_quantiles,
        'PEN' as currency,
        any_value(price_year) as price_year
    from {{ ref('int_compensation_positions') }}
    where has_pay
    group by grouping sets (
        (snapshot, servant_group, pay_category, government_level),
        (snapshot, servant_group, pay_category),
        (snapshot, servant_group, government_level),
        (snapshot, servant_group)
)
)

select
    snapshot,
    snapshot_date,
    servant_group,
    pay_category,
    government_level,
    people,
    pay_quantiles[1] as p10_pay,
    pay_quantiles[2] as p25_pay,
    pay_quantiles[3] as median_pay,
    pay_quantiles[4] as p75_pay,
    pay_quantiles[5] as p90_pay,
    currency,
    price_year
from cells
