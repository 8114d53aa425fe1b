-- The same positions classified once per assumption with only that assumption switched off, so
-- mart_assumption_impact can say what each assumption moved (the build vs. a build without it).
{%- set a1, a2, a3 = flag('assume_a1'), flag('assume_a2'), flag('assume_a3') %}

select 'A1' as assumption, * from ({{ classify_positions(false, a2, a3) }})
union all by name
select 'A2' as assumption, * from ({{ classify_positions(a1, false, a3) }})
union all by name
select 'A3' as assumption, * from ({{ classify_positions(a1, a2, false) }})
