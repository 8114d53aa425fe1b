-- How many positions break a legal pay benchmark? One row per snapshot x check of
-- pay_benchmark_checks (every check in force, even with no position in scope):
-- positions in scope, of which with pay (occupied, pay > 0), above the benchmark's maximum and,
-- for bands, below its minimum. above_max: pay > max (equal is allowed); outside_band: pay < min or > max.
with snapshots as (
    select distinct snapshot, snapshot_date, price_year from {{ ref('int_compensation_positions') }}
),

checks as (
    select c.*, r.monthly_min_pen, r.monthly_max_pen, r.source as reference_source
    from {{ ref('pay_benchmark_checks') }} as c
    inner join {{ ref('pay_benchmark_references') }} as r
        on r.reference_id = c.reference_id
),

verdicts as (select * from {{ ref('int_pay_benchmark_checks') }})

select
    s.snapshot,
    s.snapshot_date,
    c.check_id,
    c.reference_id,
    c.comparison,
    c.description,
    c.monthly_min_pen,
    c.monthly_max_pen,
    count(v.position_key) as positions_in_scope,
    count(v.position_key) filter (where v.has_pay) as people_with_pay,
    count(v.position_key) filter (where v.is_above) as above_max,
    count(v.position_key) filter (where v.is_below) as below_min,
    count(v.position_key) filter (where v.is_above or v.is_below) as breaches,
    c.reference_source,
    'PEN' as currency,
    s.price_year
from snapshots as s
inner join checks as c
    on (s.price_year is null and c.valid_to_year is null)
    or s.price_year between c.valid_from_year and coalesce(c.valid_to_year, 9999)
left join verdicts as v
    on v.snapshot = s.snapshot
    and v.check_id = c.check_id
group by all
