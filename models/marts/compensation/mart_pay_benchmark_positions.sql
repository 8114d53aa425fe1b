-- Which positions break a legal pay benchmark? One row per snapshot x position x check breached
-- (see mart_pay_benchmarks). No names: position, entity, title and pay only.
select
    snapshot,
    snapshot_date,
    check_id,
    reference_id,
    position_id,
    entity_id,
    entity_name,
    government_level,
    entity_classification,
    organizational_level,
    position_title,
    servant_group,
    labor_regime,
    monthly_pay,
    monthly_min_pen,
    monthly_max_pen,
    case when is_above then 'above_max' else 'below_min' end as breach,
    case when is_above then monthly_pay - monthly_max_pen else monthly_pay - monthly_min_pen end as excess_pen,
    'PEN' as currency,
    price_year
from {{ ref('int_pay_benchmark_checks') }}
where is_above or is_below
