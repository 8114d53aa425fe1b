-- What would moving today's servants to the new regime cost a year? The 2013 bill's method
-- (mart_bill_2013_reproduction) applied to the registry: keep each occupied position's monthly
-- pay, make it fully remunerative and pay it new_payments_per_year times instead of
-- current_payments_per_year (seed transition_assumptions, one row per labor regime):
--   current_annual = sum(monthly_pay) x current_payments_per_year
--   new_annual     = sum(monthly_pay) x new_payments_per_year;  increase = new - current
-- The bill's own Art. 83 (seed 004 lines 952-959) pays less than its cost table assumes: 12
-- monthly valuations + 2 aguinaldos of half a month + CTS of half a month a year = 13.5
-- (compensation_parameters bill_art83_*); *_art83 columns cost the move that way:
--   new_annual_art83 = sum(monthly_pay) x 13.5;  increase_art83 = new_annual_art83 - current_annual
-- One row per snapshot x labor regime x government level, plus government_level = 'all'.
-- Regimes out of scope (special careers, other, unknown) are listed with null costs.
with art83 as (
    select
        {{ comp_parameter('bill_art83_monthly_payments') }}
        + {{ comp_parameter('bill_art83_aguinaldos') }} * {{ comp_parameter('bill_art83_aguinaldo_months') }}
        + {{ comp_parameter('bill_art83_cts_months') }} as new_payments_per_year_art83
),

pay as (
    select p.*, a.in_scope, a.current_payments_per_year, a.new_payments_per_year
    from {{ ref('int_compensation_positions') }} as p
    left join {{ ref('transition_assumptions') }} as a
        on a.labor_regime = p.labor_regime
    where p.has_pay
),

by_level as (
    select
        snapshot,
        snapshot_date,
        price_year,
        labor_regime,
        government_level,
        coalesce(bool_or(in_scope), false) as in_scope,
        count(*) as people,
        sum(monthly_pay) as monthly_payroll,
        max(current_payments_per_year) as current_payments_per_year,
        max(new_payments_per_year) as new_payments_per_year
    from pay
    group by all
),

with_all as (
    select * from by_level
    union all by name
    select
        snapshot, snapshot_date, price_year, labor_regime, 'all' as government_level,
        bool_or(in_scope) as in_scope, sum(people) as people, sum(monthly_payroll) as monthly_payroll,
        max(current_payments_per_year) as current_payments_per_year,
        max(new_payments_per_year) as new_payments_per_year
    from by_level
    group by all
)

select
    snapshot,
    snapshot_date,
    labor_regime,
    government_level,
    in_scope,
    cast(people as bigint) as people,
    monthly_payroll,
    current_payments_per_year,
    new_payments_per_year,
    case when in_scope then monthly_payroll * current_payments_per_year end as current_annual_cost,
    case when in_scope then monthly_payroll * new_payments_per_year end as new_annual_cost,
    case when in_scope then monthly_payroll * (new_payments_per_year - current_payments_per_year) end
        as annual_cost_increase,
    case when in_scope then new_payments_per_year / current_payments_per_year - 1 end as increase_pct,
    case when in_scope then new_payments_per_year_art83 end as new_payments_per_year_art83,
    case when in_scope then monthly_payroll * new_payments_per_year_art83 end as new_annual_cost_art83,
    case when in_scope then monthly_payroll * (new_payments_per_year_art83 - current_payments_per_year) end
        as annual_cost_increase_art83,
    'PEN' as currency,
    price_year
from with_all
cross join art83
