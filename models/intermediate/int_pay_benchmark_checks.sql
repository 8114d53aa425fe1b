{{ config(materialized='table') }}  -- a table: queryable in the published warehouse (dbt_project.yml)
-- Every (position, legal benchmark) pair the benchmark seeds put in scope, with the verdict.
-- A check applies to a snapshot when the snapshot's year is within valid_from_year..valid_to_year
-- (an undated snapshot gets the checks still in force, valid_to_year null). A position is in a
-- check's scope when any pay_benchmark_scope row matches it (null match column = any value; the
-- title pattern is an accent/case/punctuation-insensitive substring of the title or unit name) and
-- no pay_benchmark_exclusions row does (e.g. public officers for the Minister cap, 004:1319).
with positions as (
    select * from {{ ref('int_compensation_positions') }}
),

checks as (
    select
        c.check_id,
        c.reference_id,
        c.comparison,
        c.valid_from_year,
        c.valid_to_year,
        c.description,
        r.monthly_min_pen,
        r.monthly_max_pen,
        r.year as reference_year,
        r.source as reference_source
    from {{ ref('pay_benchmark_checks') }} as c
    inner join {{ ref('pay_benchmark_references') }} as r
        on r.reference_id = c.reference_id
),

scope as (select * from {{ ref('pay_benchmark_scope') }}),

-- Positions a check does not apply to (seed pay_benchmark_exclusions; '' = any, as unit tests feed it).
exclusions as (
    select check_id, nullif(match_servant_group, '') as match_servant_group,
        nullif(match_labor_regime, '') as match_labor_regime
    from {{ ref('pay_benchmark_exclusions') }}
),

in_scope as (
    select distinct p.position_key, s.check_id
    from positions as p
    inner join scope as s
        on (s.match_entity_classification is null or s.match_entity_classification = p.entity_classification)
        and (s.match_organizational_level is null or s.match_organizational_level = p.organizational_level)
        and (s.match_labor_regime is null or s.match_labor_regime = p.labor_regime)
        and (s.match_title_pattern is null
            or position({{ fold_text('s.match_title_pattern') }}
                in {{ fold_text("coalesce(p.position_title, '') || ' ' || coalesce(p.unit_name, '')") }}) > 0)
    where not exists (
        select 1
        from exclusions as x
        where x.check_id = s.check_id
            and (x.match_servant_group is null or x.match_servant_group = p.servant_group)
            and (x.match_labor_regime is null or x.match_labor_regime = p.labor_regime)
    )
)

select
    p.*,
    c.check_id,
    c.reference_id,
    c.comparison,
    c.description as check_description,
    c.monthly_min_pen,
    c.monthly_max_pen,
    c.reference_year,
    c.reference_source,
    p.has_pay and p.monthly_pay > c.monthly_max_pen as is_above,
    p.has_pay and c.comparison = 'outside_band' and p.monthly_pay < c.monthly_min_pen as is_below
from positions as p
inner join in_scope as s
    on s.position_key = p.position_key
inner join checks as c
    on c.check_id = s.check_id
    and (
        (p.price_year is null and c.valid_to_year is null)
        or p.price_year between c.valid_from_year and coalesce(c.valid_to_year, 9999)
    )
