-- How many positions are public officers, public managers, career servants, not determined or
-- excluded, by government level? (SERVIR 2016 Table 9 shape: one row per group, one column per level.)
with classified as (
    select snapshot, snapshot_date, effective_government_level, servant_group
    from {{ ref('int_positions_classified') }}
),

snapshots as (
    select distinct snapshot, snapshot_date from classified
),

groups as (
    select servant_group, display_order, label_es from {{ ref('servant_groups') }}
)

select
    s.snapshot,
    s.snapshot_date,
    g.display_order,
    g.servant_group,
    g.label_es,
    count(c.servant_group) filter (where c.effective_government_level = 'national') as national,
    count(c.servant_group) filter (where c.effective_government_level = 'regional') as regional,
    count(c.servant_group) filter (where c.effective_government_level = 'local') as local,
    count(c.servant_group) filter (where c.effective_government_level is null) as unknown_level,
    count(c.servant_group) as total
from snapshots as s
cross join groups as g
left join classified as c
    on c.snapshot = s.snapshot
    and c.servant_group = g.servant_group
group by all
