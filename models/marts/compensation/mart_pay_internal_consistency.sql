-- Is pay consistent inside each entity? One row per snapshot x entity x role (pay_category) x
-- organizational level with at least internal_min_positions occupied positions with pay:
-- max/min ratio and coefficient of variation (population standard deviation / mean: the entity's
-- positions are the whole population, not a sample). An entity cell is an outlier when the ratio
-- exceeds internal_max_min_ratio_threshold or the CV exceeds internal_cv_threshold (seed
-- compensation_parameters).
with cells as (
    select
        snapshot,
        snapshot_date,
        price_year,
        entity_id,
        entity_name,
        government_level,
        pay_category,
        organizational_level,
        count(*) as people,
        min(monthly_pay) as min_pay,
        max(monthly_pay) as max_pay,
        avg(monthly_pay) as mean_pay,
        stddev_pop(monthly_pay) as sd_pay
    from {{ ref('int_compensation_positions') }}
    where has_pay and {{ pay_is_compared('pay_category') }}
    group by all
),

measured as (
    select
        *,
        max_pay / min_pay as max_min_ratio,
        sd_pay / nullif(mean_pay, 0) as coefficient_of_variation,
        {{ comp_parameter('internal_max_min_ratio_threshold') }} as ratio_threshold,
        {{ comp_parameter('internal_cv_threshold') }} as cv_threshold
    from cells
    where people >= {{ comp_parameter('internal_min_positions') }}
)

select
    snapshot,
    snapshot_date,
    entity_id,
    entity_name,
    government_level,
    pay_category,
    organizational_level,
    people,
    min_pay,
    max_pay,
    mean_pay,
    sd_pay,
    max_min_ratio,
    coefficient_of_variation,
    ratio_threshold,
    cv_threshold,
    max_min_ratio > ratio_threshold or coefficient_of_variation > cv_threshold as is_outlier,
    nullif(concat_ws('; ',
        case when max_min_ratio > ratio_threshold then 'max/min ratio above threshold' end,
        case when coefficient_of_variation > cv_threshold then 'coefficient of variation above threshold' end
    ), '') as outlier_reason,
    'PEN' as currency,
    price_year
from measured
