-- What would moving today's servants to the new regime cost a year? The 2013 bill's method
-- (mart_bill_2013_reproduction) applied to the registry: keep each occupied position's monthly
-- pay, make it fully remunerative and pay it as the new regime does instead of
-- current_payments_per_year (seed transition_assumptions, one row per labor regime; empty =
-- already in the new regime). How the new regime annualizes a monthly amount is ONE choice,
-- seeds/compensation/pay_annualizations.csv, shared with mart_valuation:
--   current_annual = sum(monthly_pay) x current_payments_per_year
--   new_annual     = sum(monthly_pay) x cost_months_a_year of the selected row (default 14: 12
--                    monthly + 2 bonuses, 000:1897);  increase = new - current
--   *_alternative  = the same with the alternative row (the bill's own Art. 83: 12 + 2 x 0.5
--                    aguinaldos + 0.5 CTS = 13.5, 004:952-959)
-- One row per snapshot x labor regime x government level, plus government_level = 'all'.
-- Regimes out of scope (special careers, other, unknown) are listed with null costs.
with pay as (
    select
        p.*,
        a.in_scope,
        coalesce(a.current_payments_per_year, new_pay.cost_months_a_year) as current_payments_per_year
    from {{ ref('int_compensation_positions') }} as p
    left join {{ ref('transition_assumptions') }} as a
        on a.labor_regime = p.labor_regime
    cross join {{ pay_annualization('selected') }} as new_pay
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
        max(current_payments_per_year) as current_payments_per_year
    from pay
    group by all
),

with_all as (
    select * from by_level
    union all by name
    select
        snapshot, snapshot_date, price_year, labor_regime, 'all' as government_level,
        bool_or(in_scope) as in_scope, sum(people) as people, sum(monthly_payroll) as monthly_payroll,
        max(current_payments_per_year) as current_payments_per_year
    from by_level
    group by all
),

costed as (
    select
        w.*,
        new_pay.annualization,
        new_pay.cost_months_a_year as new_payments_per_year,
        alt_pay.annualization as annualization_alternative,
        alt_pay.cost_months_a_year as new_payments_per_year_alternative
    from with_all as w
    cross join {{ pay_annualization('selected') }} as new_pay
    cross join {{ pay_annualization('alternative') }} as alt_pay
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
    annualization,
    case when in_scope then new_payments_per_year end as new_payments_per_year,
    case when in_scope then monthly_payroll * current_payments_per_year end as current_annual_cost,
    case when in_scope then monthly_payroll * new_payments_per_year end as new_annual_cost,
    case when in_scope then monthly_payroll * (new_payments_per_year - current_payments_per_year) end
        as annual_cost_increase,
    case when in_scope then new_payments_per_year / current_payments_per_year - 1 end as increase_pct,
    annualization_alternative,
    case when in_scope then new_payments_per_year_alternative end as new_payments_per_year_alternative,
    case when in_scope then monthly_payroll * new_payments_per_year_alternative end as new_annual_cost_alternative,
    case when in_scope then monthly_payroll * (new_payments_per_year_alternative - current_payments_per_year) end
        as annual_cost_increase_alternative,
    'PEN' as currency,
    price_year
from costed
