-- The cells of the adjusted gender pay gap: one row per snapshot x role (pay_category) x
-- organizational level x government level, over occupied positions with pay and sex F or M.
-- cell_gap = 1 - median_pay_f / median_pay_m, only where the cell has at least one woman and one
-- man (is_comparable); mart_pay_gender_gap averages cell_gap weighted by the cell's women.
with pay as (
    select *
    from {{ ref('int_compensation_positions') }}
    where has_pay and sex in ('F', 'M') and {{ pay_is_compared('pay_category') }}
),

cells as (
    select
        snapshot,
        snapshot_date,
        price_year,
        pay_category,
        organizational_level,
        government_level,
        count(*) filter (where sex = 'F') as women,
        count(*) filter (where sex = 'M') as men,
        quantile_cont(monthly_pay, 0.5) filter (where sex = 'F') as median_pay_f,
        quantile_cont(monthly_pay, 0.5) filter (where sex = 'M') as median_pay_m
    from pay
    group by all
)

select
    snapshot,
    snapshot_date,
    pay_category,
    organizational_level,
    government_level,
    women,
    men,
    median_pay_f,
    median_pay_m,
    women > 0 and men > 0 as is_comparable,
    case when women > 0 and men > 0 then 1 - median_pay_f / nullif(median_pay_m, 0) end as cell_gap,
    'PEN' as currency,
    price_year
from cells
