-- The same positions classified once per assumption with only that assumption switched off, so
-- mart_assumption_impact can say what each assumption moved (the build vs. a build without it);
-- and once per other variant of A2's type-B reading (seeds/rules/type_b_readings.csv), so it can
-- say what the chosen variant moved compared with each alternative.
{%- set a1, a2, a3, a4 = flag('assume_a1'), flag('assume_a2'), flag('assume_a3'), flag('assume_a4') %}
{%- set chosen = var('type_b_variant', '') %}
{%- set variants = [] %}
{#- While documenting a fresh checkout (no seed loaded yet: macros/staging.sql documenting()), the
    docs show the SQL without the alternative variants. -#}
{%- if execute and not (documenting() and load_relation(ref('type_b_readings')) is none) %}
    {%- set found = run_query(
        "select distinct variant from " ~ ref('type_b_readings')
        ~ (" where variant <> '" ~ chosen ~ "'" if chosen else " where not is_default")
        ~ " order by variant") %}
    {%- set variants = found.columns[0].values() %}
{%- endif %}

select 'A1' as assumption, 'off' as scenario, * from ({{ classify_positions(false, a2, a3, chosen, a4) }})
union all by name
select 'A2' as assumption, 'off' as scenario, * from ({{ classify_positions(a1, false, a3, chosen, a4) }})
union all by name
select 'A3' as assumption, 'off' as scenario, * from ({{ classify_positions(a1, a2, false, chosen, a4) }})
union all by name
select 'A4' as assumption, 'off' as scenario, * from ({{ classify_positions(a1, a2, a3, chosen, false) }})
{%- for variant in variants %}
union all by name
select 'A2' as assumption, 'variant:{{ variant }}' as scenario, *
from ({{ classify_positions(a1, a2, a3, variant, a4) }})
{%- endfor %}
