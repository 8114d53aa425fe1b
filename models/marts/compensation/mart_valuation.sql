-- What would each PM/CA position be valued at under the new regime (Ley 30057, D.S. 138-2014-EF),
-- and how far is today's pay? One row per snapshot x position of servant group PM or CA.
-- All amounts come from ONE seed, seeds/compensation/valuation_parameters.csv, which ships
-- ILLUSTRATIVE values (is_illustrative): replace that file with the official annexes.
--   budget_range   = the band [min_value, max_value) holding the entity's PIA 2014 (000:1880:
--                    the range is set on the PIA approved for 2014), from budget_pia_2014 where
--                    the registry has it; otherwise on the snapshot's budget_pia, as before, and
--                    flagged (budget_range_from_pia_2014 = false)
--   category       = the PM role (PS, S, OS); CA for career positions (valued only if the seed has CA rows)
--   main           = annual amount keyed by entity classification x organizational level x
--                    reports_to x budget_range x category
--   adjusted       = main x (pct of function_type + pct of the people band holding direct + indirect reports)
--   prioritized    = main x prioritized pct, only where is_prioritized
--   valued_annual  = main + adjusted + prioritized
--   valued_monthly = valued_annual / payments_a_year of the selected row of
--                    seeds/compensation/pay_annualizations.csv (default 14, 000:1897);
--                    valued_monthly_alternative the same with the alternative row (the 2013
--                    bill's Art. 83: 12 + 2 x 0.5 = 13, 004:952-959)
--   current_annual = monthly_pay x current_payments_per_year of the position's labor regime
--                    (seeds/compensation/transition_assumptions.csv; empty = already in the new
--                    regime: the selected annualization's cost_months_a_year), the annualization
--                    mart_transition_cost uses too;  gap = valued - current
-- Not materialized: read once for the rows and once for the distinct amounts looked up in bands.
with positions as not materialized (
    select
        p.*,
        e.budget_pia_2014,
        coalesce(e.budget_pia_2014, p.budget_pia) as budget_range_pia,
        case when coalesce(e.budget_pia_2014, p.budget_pia) is not null
            then e.budget_pia_2014 is not null end as budget_range_from_pia_2014,
        coalesce(a.current_payments_per_year, new_pay.cost_months_a_year) as annual_payments_current
    from {{ ref('int_compensation_positions') }} as p
    left join {{ ref('int_entities_classified') }} as e
        on e.snapshot = p.snapshot
        and e.entity_id = p.entity_id
    left join {{ ref('transition_assumptions') }} as a
        on a.labor_regime = p.labor_regime
    cross join {{ pay_annualization('selected') }} as new_pay
    where p.servant_group in ('PM', 'CA')
),

params as (select * from {{ ref('valuation_parameters') }}),

-- The budget range and people band of each distinct amount (a few hundred), joined back by
-- equality: a range join over every position sorted 1.3 M rows twice.
budget_ranges as (
    select v.budget_range_pia, br.band
    from (select distinct budget_range_pia from positions) as v
    inner join params as br
        on br.component = 'budget_range'
        and v.budget_range_pia >= br.min_value
        and (br.max_value is null or v.budget_range_pia < br.max_value)
),

people_bands as (
    select v.people_managed, pb.band, pb.pct
    from (select distinct people_managed from positions) as v
    inner join params as pb
        on pb.component = 'adjusted_people'
        and v.people_managed >= pb.min_value
        and (pb.max_value is null or v.people_managed <= pb.max_value)
),

keyed as (
    select
        p.*,
        p.pay_category as category,
        br.band as budget_range,
        pb.band as people_band,
        pb.pct as people_pct,
        fn.pct as function_pct,
        case when p.is_prioritized then coalesce(pr.pct, 0) else 0 end as prioritized_pct
    from positions as p
    left join budget_ranges as br
        on br.budget_range_pia = p.budget_range_pia
    left join people_bands as pb
        on pb.people_managed = p.people_managed
    left join params as fn
        on fn.component = 'adjusted_function'
        and fn.function_type = p.function_type
    left join params as pr
        on pr.component = 'prioritized'
),

valued as (
    select
        k.*,
        m.annual_amount_pen as main_valuation_annual,
        m.price_year as valuation_price_year,
        coalesce(m.is_illustrative, illustrative.any_illustrative) as is_illustrative,
        m.source as valuation_source,
        case
            when k.category not in (select category from params where component = 'main')
                then 'category_not_valued'
            when k.budget_range is null or k.reports_to is null or k.organizational_level is null
                or k.function_type is null or k.people_band is null
                then 'missing_input: ' || concat_ws(', ',
                    case when k.budget_range_pia is null then 'budget_pia'
                        when k.budget_range is null then 'budget_pia outside every range' end,
                    case when k.reports_to is null then 'reports_to' end,
                    case when k.organizational_level is null then 'organizational_level' end,
                    case when k.function_type is null then 'function_type' end,
                    case when k.people_managed is null then 'direct/indirect reports'
                        when k.people_band is null then 'people managed outside every band' end)
            when m.annual_amount_pen is null then 'no_parameter_row'
            else 'valued'
        end as valuation_status
    from keyed as k
    left join params as m
        on m.component = 'main'
        and m.entity_classification = k.entity_classification
        and m.organizational_level = k.organizational_level
        and m.reports_to = k.reports_to
        and m.budget_range = k.budget_range
        and m.category = k.category
    cross join (select bool_or(is_illustrative) as any_illustrative from params) as illustrative
),

amounts as (
    select
        *,
        function_pct + people_pct as adjusted_pct,
        main_valuation_annual * (function_pct + people_pct) as adjusted_valuation_annual,
        main_valuation_annual * prioritized_pct as prioritized_valuation_annual,
        new_pay.annualization,
        new_pay.payments_a_year as annual_payments_new,
        alt_pay.annualization as annualization_alternative,
        alt_pay.payments_a_year as annual_payments_alternative
    from valued
    cross join {{ pay_annualization('selected') }} as new_pay
    cross join {{ pay_annualization('alternative') }} as alt_pay
),

totals as (
    select
        *,
        main_valuation_annual + adjusted_valuation_annual + prioritized_valuation_annual as valued_annual,
        case when has_pay then monthly_pay * annual_payments_current end as current_annual
    from amounts
)

select
    snapshot,
    snapshot_date,
    position_id,
    entity_id,
    entity_name,
    government_level,
    entity_classification,
    organizational_level,
    servant_group,
    category,
    reports_to,
    budget_pia,
    budget_pia_2014,
    budget_range_pia,
    budget_range_from_pia_2014,
    budget_range,
    function_type,
    people_managed,
    people_band,
    is_prioritized,
    valuation_status,
    main_valuation_annual,
    function_pct,
    people_pct,
    adjusted_pct,
    adjusted_valuation_annual,
    prioritized_pct,
    prioritized_valuation_annual,
    valued_annual,
    annualization,
    annual_payments_new,
    valued_annual / annual_payments_new as valued_monthly,
    annualization_alternative,
    annual_payments_alternative,
    valued_annual / annual_payments_alternative as valued_monthly_alternative,
    case when has_pay then monthly_pay end as current_monthly,
    current_annual,
    valued_annual - current_annual as gap_annual,
    valued_annual / annual_payments_new - case when has_pay then monthly_pay end as gap_monthly,
    valued_annual / nullif(current_annual, 0) as valued_to_current_ratio,
    is_illustrative,
    valuation_source,
    'PEN' as currency,
    price_year,
    valuation_price_year
from totals
