-- Which positions break a legal pay benchmark? One row per snapshot x position x check breached
-- (see mart_pay_benchmarks). No names: position, entity, title and pay only. The verdicts are
-- int_pay_benchmark_checks'; the breaching positions' columns int_compensation_positions', the
-- limits the seeds'.
with breaches as (
    select position_key, check_id, is_above
    from {{ ref('int_pay_benchmark_checks') }}
    where is_above or is_below
),

checks as (
    select c.check_id, c.reference_id, r.monthly_min_pen, r.monthly_max_pen
    from {{ ref('pay_benchmark_checks') }} as c
    inner join {{ ref('pay_benchmark_references') }} as r
        on r.reference_id = c.reference_id
)

select
    p.snapshot,
    p.snapshot_date,
    b.check_id,
    c.reference_id,
    p.position_id,
    p.entity_id,
    p.entity_name,
    p.government_level,
    p.entity_classification,
    p.organizational_level,
    p.position_title,
    p.servant_group,
    p.labor_regime,
    p.monthly_pay,
    c.monthly_min_pen,
    c.monthly_max_pen,
    case when b.is_above then 'above_max' else 'below_min' end as breach,
    case when b.is_above then p.monthly_pay - c.monthly_max_pen else p.monthly_pay - c.monthly_min_pen end
        as excess_pen,
    'PEN' as currency,
    p.price_year
from breaches as b
inner join {{ ref('int_compensation_positions') }} as p
    on p.position_key = b.position_key
inner join checks as c
    on c.check_id = b.check_id
