{{ config(materialized='table') }}  -- a table: queryable in the published warehouse (dbt_project.yml)
-- Every (position, legal benchmark) pair the benchmark seeds put in scope, with the verdict; the
-- position's columns are int_compensation_positions' (position_key), the check's the seeds'.
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
        c.comparison,
        c.valid_from_year,
        c.valid_to_year,
        r.monthly_min_pen,
        r.monthly_max_pen,
        (select list(s) from scope as s where s.check_id = c.check_id) as scope_rows,
        coalesce((select list(x) from exclusions as x where x.check_id = c.check_id), []) as exclusion_rows
    from {{ ref('pay_benchmark_checks') }} as c
    inner join {{ ref('pay_benchmark_references') }} as r
        on r.reference_id = c.reference_id
),

-- The (classification, level, labor regime) cells some scope row with a title pattern can match:
-- only their positions' names are ever compared with a pattern, so only those are folded.
pattern_cells as (
    select distinct k.entity_classification, k.organizational_level, k.labor_regime
    from (select distinct entity_classification, organizational_level, labor_regime from positions) as k
    inner join scope as s
        on s.match_title_pattern is not null
        and (s.match_entity_classification is null or s.match_entity_classification = k.entity_classification)
        and (s.match_organizational_level is null or s.match_organizational_level = k.organizational_level)
        and (s.match_labor_regime is null or s.match_labor_regime = k.labor_regime)
),

-- The folded "title unit" text, once per distinct (title, unit) of those cells: a national payroll
-- repeats a few hundred thousand texts over 1.4 M positions, and folding is a regular expression.
-- Any other position's text stays null: every pattern row it could meet fails on another column.
texts as (
    select
        position_title,
        unit_name,
        {{ fold_title_unit('position_title', 'unit_name') }} as folded_text
    from (
        select distinct p.position_title, p.unit_name
        from positions as p
        inner join pattern_cells as c
            on c.entity_classification is not distinct from p.entity_classification
            and c.organizational_level is not distinct from p.organizational_level
            and c.labor_regime is not distinct from p.labor_regime
    )
),

-- The checks in force in each snapshot year the positions have (a handful of rows): positions
-- then meet them through an equality join on the year, not a comparison of every pair.
year_checks as (
    select y.price_year, c.*
    from (select distinct price_year from positions) as y
    inner join checks as c
        on (y.price_year is null and c.valid_to_year is null)
        or y.price_year between c.valid_from_year and coalesce(c.valid_to_year, 9999)
)

-- The verdict and the keys only: mart_pay_benchmark_positions takes the few breaching positions'
-- details from int_compensation_positions, and mart_pay_benchmarks counts. Carrying 18 position
-- and check columns for 1.4 M pairs (the Minister cap covers every position) cost more to write
-- than the verdicts themselves (scale 127: 25 -> 7 columns).
select
    p.position_key,
    p.snapshot,
    p.position_id,
    c.check_id,
    p.has_pay,
    p.has_pay and p.monthly_pay > c.monthly_max_pen as is_above,
    p.has_pay and c.comparison = 'outside_band' and p.monthly_pay < c.monthly_min_pen as is_below
from positions as p
left join texts as t
    on t.position_title is not distinct from p.position_title
    and t.unit_name is not distinct from p.unit_name
inner join year_checks as c
    on c.price_year is not distinct from p.price_year
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
