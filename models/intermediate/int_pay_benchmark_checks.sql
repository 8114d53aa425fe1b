{{ config(materialized='table') }}  -- a table: queryable in the published warehouse (dbt_project.yml)
-- Every (position, legal benchmark) pair the benchmark seeds put in scope, with the verdict.
-- A check applies to a snapshot when the snapshot's year is within valid_from_year..valid_to_year
-- (an undated snapshot gets the checks still in force, valid_to_year null). A position is in a
-- check's scope when any pay_benchmark_scope row matches it (null match column = any value; the
-- title pattern is an accent/case/punctuation-insensitive substring of the title or unit name) and
-- no pay_benchmark_exclusions row does (e.g. public officers for the Minister cap, 004:1319).
with positions as not materialized (
    select * from {{ ref('int_compensation_positions') }}
),

-- Scope rows with their title pattern folded once.
scope as (
    select
        check_id,
        match_entity_classification,
        match_organizational_level,
        match_labor_regime,
        match_title_pattern,
        {{ fold_text('match_title_pattern') }} as folded_pattern
    from {{ ref('pay_benchmark_scope') }}
),

-- Positions a check does not apply to (seed pay_benchmark_exclusions; '' = any, as unit tests feed it).
exclusions as (
    select check_id, nullif(match_servant_group, '') as match_servant_group,
        nullif(match_labor_regime, '') as match_labor_regime
    from {{ ref('pay_benchmark_exclusions') }}
),

-- Each check with its scope and exclusion rows as lists (a handful each): every position is then
-- tested against them in one pass, with no join back and no de-duplication of 2.8 M pairs (several
-- scope rows of one check may match the same position).
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
        r.source as reference_source,
        (select list(s) from scope as s where s.check_id = c.check_id) as scope_rows,
        coalesce((select list(x) from exclusions as x where x.check_id = c.check_id), []) as exclusion_rows
    from {{ ref('pay_benchmark_checks') }} as c
    inner join {{ ref('pay_benchmark_references') }} as r
        on r.reference_id = c.reference_id
),

-- The folded "title unit" text, once per distinct (title, unit): a national payroll repeats a few
-- hundred thousand texts over 1.4 M positions, and folding is a regular expression.
texts as (
    select
        position_title,
        unit_name,
        {{ fold_title_unit('position_title', 'unit_name') }} as folded_text
    from (select distinct position_title, unit_name from positions)
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
left join texts as t
    on t.position_title is not distinct from p.position_title
    and t.unit_name is not distinct from p.unit_name
inner join checks as c
    on (p.price_year is null and c.valid_to_year is null)
    or p.price_year between c.valid_from_year and coalesce(c.valid_to_year, 9999)
-- In scope: some scope row of the check matches (null match column = any value) ...
where len(list_filter(c.scope_rows, lambda s:
        (s.match_entity_classification is null or s.match_entity_classification = p.entity_classification)
        and (s.match_organizational_level is null or s.match_organizational_level = p.organizational_level)
        and (s.match_labor_regime is null or s.match_labor_regime = p.labor_regime)
        and (s.match_title_pattern is null or position(s.folded_pattern in t.folded_text) > 0))) > 0
    -- ... and no exclusion row does.
    and len(list_filter(c.exclusion_rows, lambda x:
        (x.match_servant_group is null or x.match_servant_group = p.servant_group)
        and (x.match_labor_regime is null or x.match_labor_regime = p.labor_regime))) = 0
