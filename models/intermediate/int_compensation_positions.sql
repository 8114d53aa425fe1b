{{ config(materialized='view') }}
-- A view, not a table: it is a projection of int_positions_classified with one small join, which
-- every reader (the compensation marts, mart_history_trends) re-reads at the cost of scanning the
-- columns it uses; written as a table it cost ~3 s of CPU at national scale (1.4 M rows x 31
-- columns). DuckDB stores a view's references to its own file without the catalog ("main"."x"),
-- so the view answers wherever the warehouse file is moved or attached
-- (tests/test_build.py::test_the_compensation_view_answers_under_any_catalog_name).
-- Every classified position with the columns the compensation marts use, once. Government level
-- is the effective one (Lima is regional, as in the classification marts).
-- has_pay: occupied (not vacant: a vacant row's pay is a budget, not a person's pay) and monthly
-- pay > 0 (null or 0 = no pay recorded). Every pay statistic uses has_pay rows only.
select
    position_key,
    snapshot,
    snapshot_date,
    cast(year(snapshot_date) as integer) as price_year,
    position_id,
    entity_id,
    entity_name,
    coalesce(effective_government_level, government_level, 'unknown') as government_level,
    effective_entity_classification as entity_classification,
    sector,
    organizational_level,
    body_type,
    p.servant_group,
    g.is_management_position,  -- seeds/rules/servant_groups.csv (footnote 21)
    role,
    {{ pay_category('p.servant_group', 'role') }} as pay_category,
    coalesce(is_tpm, false) as is_tpm,
    appointment_type,
    coalesce(labor_regime, 'unknown') as labor_regime,
    monthly_pay,
    coalesce(appointment_type, '') <> 'vacant' and coalesce(monthly_pay, 0) > 0 as has_pay,
    coalesce(sex, 'unknown') as sex,
    reports_to,
    function_type,
    direct_reports,
    indirect_reports,
    -- People managed = direct + indirect (SERVIR 2016 ch. IX, adjusted valuation); null if either is missing.
    direct_reports + indirect_reports as people_managed,
    budget_pia,
    coalesce(is_prioritized, false) as is_prioritized,
    position_title,
    unit_name
from {{ ref('int_positions_classified') }} as p
inner join {{ ref('servant_groups') }} as g
    on g.servant_group = p.servant_group
