-- Are similar positions paid alike? One long table, one row per snapshot x gap_type x role
-- (pay_category) x organizational level x group, comparing the group's median monthly pay with a
-- reference median of the same role and level (seed pay_gap_groups):
--   intergovernmental: group = government level, reference = the national government's median;
--   labor_regime:      group = dl276/dl728/cas/pmc/law30057, reference = the median of all five pooled.
-- ratio = median / reference_median; gap_pen = median - reference_median. Occupied positions with
-- pay only; not_determined and excluded positions are left out (their "role" is not comparable).
with pay as (
    select *
    from {{ ref('int_compensation_positions') }}
    where has_pay and {{ pay_is_compared('pay_category') }}
),

groups as (select * from {{ ref('pay_gap_groups') }}),

by_group as (
    select
        g.gap_type,
        p.snapshot,
        p.snapshot_date,
        p.price_year,
        p.pay_category,
        p.organizational_level,
        g.group_value,
        count(*) as people,
        quantile_cont(p.monthly_pay, 0.5) as median_pay
    from pay as p
    inner join groups as g
        on (g.gap_type = 'intergovernmental' and g.group_value = p.government_level)
        or (g.gap_type = 'labor_regime' and g.group_value = p.labor_regime)
    group by all
),

reference_medians as (
    -- intergovernmental: the reference group's own row
    select
        b.gap_type, b.snapshot, b.pay_category, b.organizational_level,
        'government_level = ' || b.group_value as reference,
        b.people as reference_people,
        b.median_pay as reference_median_pay
    from by_group as b
    inner join groups as g
        on g.gap_type = b.gap_type and g.group_value = b.group_value and g.is_reference
    union all
    -- labor_regime: all compared regimes pooled (median of the pooled positions, not of the medians)
    select
        'labor_regime', p.snapshot, p.pay_category, p.organizational_level,
        'all compared regimes pooled',
        count(*),
        quantile_cont(p.monthly_pay, 0.5)
    from pay as p
    where p.labor_regime in (select group_value from groups where gap_type = 'labor_regime')
    group by all
)

select
    b.snapshot,
    b.snapshot_date,
    b.gap_type,
    b.pay_category,
    b.organizational_level,
    b.group_value,
    b.people,
    b.median_pay,
    r.reference,
    r.reference_people,
    r.reference_median_pay,
    b.median_pay / nullif(r.reference_median_pay, 0) as median_ratio,
    b.median_pay - r.reference_median_pay as gap_pen,
    'PEN' as currency,
    b.price_year
from by_group as b
left join reference_medians as r
    on r.gap_type = b.gap_type
    and r.snapshot = b.snapshot
    and r.pay_category = b.pay_category
    and r.organizational_level is not distinct from b.organizational_level
