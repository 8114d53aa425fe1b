-- Do women and men in management positions earn the same? One row per snapshot, over occupied
-- positions with pay and sex F or M (sex unknown is left out; people_sex_unknown says how many).
--   raw_gap_median = 1 - median(F) / median(M); raw_gap_mean = 1 - mean(F) / mean(M)
--   adjusted_gap   = sum_c women_c * cell_gap_c / sum_c women_c over comparable cells c of
--                    role x organizational level x government level (mart_pay_gender_gap_cells),
--                    cell_gap_c = 1 - median_c(F) / median_c(M): the gap women would see if each
--                    were compared only with men of her own cell, weighted by where women work.
-- Positive = women earn less.
with pay as (
    select *
    from {{ ref('int_compensation_positions') }}
    where has_pay and {{ pay_is_compared('pay_category') }}
),

raw as (
    select
        snapshot,
        snapshot_date,
        price_year,
        count(*) filter (where sex = 'F') as women,
        count(*) filter (where sex = 'M') as men,
        count(*) filter (where sex not in ('F', 'M')) as people_sex_unknown,
        quantile_cont(monthly_pay, 0.5) filter (where sex = 'F') as median_pay_f,
        quantile_cont(monthly_pay, 0.5) filter (where sex = 'M') as median_pay_m,
        avg(monthly_pay) filter (where sex = 'F') as mean_pay_f,
        avg(monthly_pay) filter (where sex = 'M') as mean_pay_m
    from pay
    group by all
),

adjusted as (
    select
        snapshot,
        sum(women * cell_gap) / nullif(sum(women), 0) as adjusted_gap,
        count(*) as comparable_cells,
        cast(sum(women) as bigint) as women_in_comparable_cells
    from {{ batch_rows(ref('mart_pay_gender_gap_cells')) }}
    where is_comparable
    group by all
)

select
    r.snapshot,
    r.snapshot_date,
    r.women,
    r.men,
    r.people_sex_unknown,
    r.median_pay_f,
    r.median_pay_m,
    r.mean_pay_f,
    r.mean_pay_m,
    1 - r.median_pay_f / nullif(r.median_pay_m, 0) as raw_gap_median,
    1 - r.mean_pay_f / nullif(r.mean_pay_m, 0) as raw_gap_mean,
    a.adjusted_gap,
    coalesce(a.comparable_cells, 0) as comparable_cells,
    coalesce(a.women_in_comparable_cells, 0) as women_in_comparable_cells,
    coalesce(a.women_in_comparable_cells, 0) / nullif(r.women, 0) as women_coverage,
    'PEN' as currency,
    r.price_year
from raw as r
left join adjusted as a
    on a.snapshot = r.snapshot
