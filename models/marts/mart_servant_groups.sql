-- How many positions are public officers, public managers, career servants, not determined,
-- excluded or not management positions, by government level? (SERVIR 2016 Table 9 shape: one row
-- per group, one column per level.) Beside each count, the honest bounds of a registry read from
-- titles: how many are confirmed (input, an analyst's decision or a confident rule) and how many
-- still wait for review (counted under the group the rules suggest). mart_tpm gives the upper
-- bounds of PM and TPM (confirmed + every position still to review at the level).
with classified as (
    select snapshot, snapshot_date, effective_government_level, servant_group, needs_review
    from {{ ref('int_positions_classified') }}
),

snapshots as (
    select distinct snapshot, snapshot_date from classified
),

groups as (
    select servant_group, display_order, label_es from {{ ref('servant_groups') }}
),

counted as (
    select
        s.snapshot,
        s.snapshot_date,
        g.display_order,
        g.servant_group,
        g.label_es,
        {{ counts_by_government_level('c.servant_group', 'c.effective_government_level') }},
        count(c.servant_group) filter (where c.effective_government_level = 'national' and not c.needs_review)
            as national_confirmed,
        count(c.servant_group) filter (where c.effective_government_level = 'national' and c.needs_review)
            as national_to_review,
        count(c.servant_group) filter (where c.effective_government_level = 'regional' and not c.needs_review)
            as regional_confirmed,
        count(c.servant_group) filter (where c.effective_government_level = 'regional' and c.needs_review)
            as regional_to_review,
        count(c.servant_group) filter (where not c.needs_review) as total_confirmed,
        count(c.servant_group) filter (where c.needs_review) as total_to_review
    from snapshots as s
    cross join groups as g
    left join classified as c
        on c.snapshot = s.snapshot
        and c.servant_group = g.servant_group
    group by all
)

select * from counted
