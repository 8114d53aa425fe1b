-- How far is today's pay from the (illustrative) valuation, in aggregate? One row per snapshot x
-- government level x category (PM role or CA). Totals are over positions that are both valued
-- and occupied with pay (comparable), so the gap compares like with like.
select
    snapshot,
    snapshot_date,
    government_level,
    category,
    count(*) as positions,
    count(*) filter (where valuation_status = 'valued') as valued_positions,
    count(*) filter (where valuation_status = 'valued' and current_annual is not null) as people,
    sum(current_annual) filter (where valuation_status = 'valued') as current_annual_total,
    sum(valued_annual) filter (where current_annual is not null) as valued_annual_total,
    sum(gap_annual) as gap_annual_total,
    sum(valued_annual) filter (where current_annual is not null)
        / nullif(sum(current_annual) filter (where valuation_status = 'valued'), 0) - 1 as gap_pct,
    median(valued_to_current_ratio) as median_valued_to_current_ratio,
    bool_or(is_illustrative) as is_illustrative,
    'PEN' as currency,
    price_year,
    max(valuation_price_year) as valuation_price_year
from {{ batch_rows(ref('mart_valuation')) }}
group by all
