-- How do public officers come to office? SERVIR 2016 Table 5 (seed 000 lines 968-970, 977-978)
-- sorts them into three columns: popular election, regulated appointment or dismissal, free
-- appointment and dismissal. One row per snapshot x category of seeds/rules/table5_categories.csv
-- (every category, zero if none), one column per government level (Table 9 shape). A public
-- officer whose title no Table 5 rule read (PO by its Tables 7/8 cell) counts under not_read.
-- The categories sum to mart_servant_groups' PO row, level by level.
with officers as (
    select
        snapshot,
        effective_government_level,
        coalesce(table5_category, 'not_read') as table5_category
    from {{ ref('int_positions_classified') }}
    where servant_group = 'PO'
),

snapshots as (
    select distinct snapshot, snapshot_date from {{ ref('int_positions_classified') }}
),

categories as (
    select table5_category, display_order, label_es, label_en, table_label_es, table_label_en
    from {{ ref('table5_categories') }}
)

select
    s.snapshot,
    s.snapshot_date,
    c.display_order,
    c.table5_category,
    c.label_es,
    c.label_en,
    c.table_label_es,
    c.table_label_en,
    {{ counts_by_government_level('o.table5_category', 'o.effective_government_level') }}
from snapshots as s
cross join categories as c
left join officers as o
    on o.snapshot = s.snapshot
    and o.table5_category = c.table5_category
group by all
