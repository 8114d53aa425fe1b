-- Does the 2013 bill's cost table add up? Re-computes the exposición de motivos' "costo de la
-- reforma" from its inputs (seed bill_2013_cost_inputs) and compares with every printed figure
-- (seed bill_2013_printed_results). The bill's method, read from its text: for 276 and CAS,
-- "el pago adicional de 2 gratificaciones ... y 1 compensación por tiempo de servicios" on
-- 100% of income, i.e.
--     new_cost = current_cost x (monthly_payments_base + gratificaciones_added + cts_added) / monthly_payments_base
--              = current_cost x 15/12 for 276 and CAS;  x 12/12 for 728.
-- Rounding tolerance: the inputs are printed rounded to S/ 1 million (true value within +-0.5),
-- so a derived figure may differ from its exact computation by sum(0.5 x |d figure / d input|)
-- plus 0.5 for its own rounding. A printed figure within tolerance is_consistent; outside it is a
-- finding about the bill, not about this pipeline. The figures do not depend on the registry; they
-- are repeated for every snapshot so that each snapshot's export carries them.
with snapshots as (
    select distinct snapshot, snapshot_date from {{ ref('int_compensation_positions') }}
),

-- Second reading, the bill's own Art. 83 (004:952-959): each added aguinaldo is half a month and
-- CTS half a month a year (the bill_art83 row of seeds/compensation/pay_annualizations.csv),
-- so 276 and CAS cost x (12 + 2 x 0.5 + 1 x 0.5) / 12 = x 1.125, not x 1.25. Rows *_art83
-- compare that with the printed table: the table does not follow the bill's own article.
art83 as (
    select
        bonus_months_each as aguinaldo_months,
        cts_months_a_year as cts_months
    from {{ ref('pay_annualizations') }}
    where annualization = 'bill_art83'
),

inputs as (
    select
        i.*,
        (i.monthly_payments_base + i.gratificaciones_added + i.cts_added) / i.monthly_payments_base as cost_factor,
        (i.monthly_payments_base + i.gratificaciones_added * a.aguinaldo_months + i.cts_added * a.cts_months)
            / i.monthly_payments_base as cost_factor_art83
    from {{ ref('bill_2013_cost_inputs') }} as i
    cross join art83 as a
),

totals as (
    select
        sum(servants) as servants,
        sum(current_annual_cost_mpen) as current_cost,
        sum(current_annual_cost_mpen * cost_factor) as new_cost,
        sum(current_annual_cost_mpen * (cost_factor - 1)) as increase,
        -- tolerances (see header)
        0.5 * count(*) + 0.5 as current_tol,
        sum(0.5 * cost_factor) + 0.5 as new_tol,
        sum(0.5 * (cost_factor - 1)) + 0.5 as increase_tol,
        sum(current_annual_cost_mpen * cost_factor_art83) as new_cost_art83,
        sum(current_annual_cost_mpen * (cost_factor_art83 - 1)) as increase_art83,
        sum(0.5 * cost_factor_art83) + 0.5 as new_tol_art83,
        sum(0.5 * (cost_factor_art83 - 1)) + 0.5 as increase_tol_art83
    from inputs
),

printed as (
    select figure_id, printed_value from {{ ref('bill_2013_printed_results') }}
),

computed as (
    select 'servants_total' as check_id, 'current_servants_total' as figure_id, servants as computed_value, 0.0 as tolerance,
        'sum of servants by regime' as computed_from
    from totals
    union all
    select 'current_total_table', 'current_cost_total_table', current_cost, current_tol, 'sum of current cost by regime' from totals
    union all
    select 'current_total_text', 'current_cost_total_text', current_cost, current_tol, 'sum of current cost by regime' from totals
    union all
    select 'new_cost_' || labor_regime, 'new_cost_' || labor_regime, current_annual_cost_mpen * cost_factor, 0.5 * cost_factor + 0.5,
        'current cost x (' || cast(monthly_payments_base as integer) || ' + '
        || cast(gratificaciones_added as integer) || ' gratificaciones + ' || cast(cts_added as integer)
        || ' CTS) / ' || cast(monthly_payments_base as integer)
    from inputs
    union all
    select 'new_total', 'new_cost_total', new_cost, new_tol, 'sum of new cost by regime' from totals
    union all
    select 'increase_computed', 'cost_increase', increase, increase_tol, 'sum of (new - current) by regime' from totals
    union all
    -- The two printed tables against each other: exact integers, no tolerance.
    select 'increase_between_tables', 'cost_increase', p_new.printed_value - p_cur.printed_value, 0.0,
        'printed new total - printed current total (both tables)'
    from printed as p_new, printed as p_cur
    where p_new.figure_id = 'new_cost_total' and p_cur.figure_id = 'current_cost_total_table'
    union all
    select 'increase_pct_of_current', 'increase_pct', 100 * increase / current_cost, 0.5, 'computed increase / computed current cost'
    from totals
    union all
    select 'increase_pct_of_final', 'increase_pct', 100 * p_inc.printed_value / p_new.printed_value, 0.5,
        'printed increase / printed NEW total (share of the final cost)'
    from printed as p_inc, printed as p_new
    where p_inc.figure_id = 'cost_increase' and p_new.figure_id = 'new_cost_total'
    union all
    select 'new_cost_' || labor_regime || '_art83', 'new_cost_' || labor_regime,
        current_annual_cost_mpen * cost_factor_art83, 0.5 * cost_factor_art83 + 0.5,
        'Art. 83: current cost x (' || cast(monthly_payments_base as integer) || ' + '
        || cast(gratificaciones_added as integer) || ' aguinaldos x half a month + '
        || cast(cts_added as integer) || ' CTS x half a month) / ' || cast(monthly_payments_base as integer)
    from inputs
    union all
    select 'new_total_art83', 'new_cost_total', new_cost_art83, new_tol_art83, 'Art. 83: sum of new cost by regime'
    from totals
    union all
    select 'increase_art83', 'cost_increase', increase_art83, increase_tol_art83,
        'Art. 83: sum of (new - current) by regime' from totals
    union all
    select 'increase_pct_art83', 'increase_pct', 100 * increase_art83 / current_cost, 0.5,
        'Art. 83: computed increase / computed current cost' from totals
)

select
    s.snapshot,
    s.snapshot_date,
    c.check_id,
    c.figure_id,
    c.computed_from,
    p.printed_value,
    c.computed_value,
    round(c.computed_value, 2) as computed_value_2dp,
    p.printed_value - c.computed_value as difference,
    c.tolerance,
    abs(p.printed_value - c.computed_value) <= c.tolerance + 1e-9 as is_consistent,
    case
        when abs(p.printed_value - c.computed_value) <= c.tolerance + 1e-9 then null
        else 'INCONSISTENT: printed ' || p.printed_value || ' vs ' || round(c.computed_value, 2)
            || ' (' || c.computed_from || ')'
    end as finding,
    'PEN' as currency,
    (select max(price_year) from {{ ref('bill_2013_cost_inputs') }}) as price_year
from computed as c
inner join printed as p
    on p.figure_id = c.figure_id
cross join snapshots as s
