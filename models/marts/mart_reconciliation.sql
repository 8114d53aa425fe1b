-- Do our figures match what SERVIR published? Every computed figure with a published counterpart
-- (reconciliation_checks -> reference_figures), with difference, relative difference, tolerance
-- and whether it is within it; plus the published figures' own arithmetic (reference_identities),
-- reported as source findings (e.g. Table 12 prints a TPM total of 946 although 834 + 177 = 1,011).
--
-- Definitions: a management position is a national or regional position whose servant group is
-- flagged is_management_position in seeds/rules/servant_groups.csv (not PO nor excluded: SERVIR
-- did not count heads who are public officers, ch.I footnote 21); government
-- levels are the effective ones (Lima is regional); entity counts come from the entities file.
with classified as (
    select
        p.*,
        g.is_management_position  -- seeds/rules/servant_groups.csv (footnote 21)
    from {{ ref('int_positions_classified') }} as p
    inner join {{ ref('servant_groups') }} as g
        on g.servant_group = p.servant_group
    where p.effective_government_level in ('national', 'regional')
),

snapshots as (
    select distinct snapshot from {{ ref('int_positions_classified') }}
),

checks as (select * from {{ ref('reconciliation_checks') }}),

figures as (select * from {{ ref('reference_figures') }}),

-- Scalar metrics for each level and for national + regional (scope 'total').
scalar_metrics as (
    select
        snapshot,
        coalesce(effective_government_level, 'total') as scope,
        count(*) filter (where is_management_position)::double as mgmt_positions,
        count(*) filter (where servant_group = 'PO')::double as officers,
        count(*) filter (where servant_group = 'PM')::double as pm,
        count(*) filter (where servant_group = 'CA')::double as career_heads,
        count(*) filter (where servant_group = 'PM' and is_tpm)::double as tpm,
        count(*) filter (where servant_group = 'PM' and not is_tpm)::double as pm_not_tpm,
        count(*) filter (where is_management_position and organizational_level >= 4)::double
            as level4_positions,
        count(*) filter (where is_management_position and body_type = 'senior_management'
            and effective_entity_classification is distinct from 'ministry')::double as senior_mgmt_non_ministry,
        count(*) filter (where is_management_position and organizational_level in (2, 3))
            / nullif(count(*) filter (where is_management_position), 0) as share_levels_2_3,
        count(*) filter (where is_management_position and organizational_level = 3)
            / nullif(count(*) filter (where is_management_position and organizational_level = 2), 0)
            as ratio_level3_to_level2,
        -- null (not 0) when the registry says nothing about appointments (macros/appointments.sql)
        case when count(*) filter (where {{ appointment_known('appointment_type') }}) > 0 then
            count(*) filter (where is_management_position and appointment_type = 'appointed')
            / nullif(count(*) filter (where is_management_position), 0) end as share_appointed,
        count(*) filter (where servant_group = 'PM' and is_tpm)
            / nullif(count(*) filter (where servant_group = 'PM'), 0) as tpm_share_of_pm,
        -- Positions held by Public Managers Corps members (contract labor_regime pmc); null (not 0)
        -- when the registry gives no labor regime at all (macros/labor_regimes.sql): page 05 then
        -- reads "sin dato" instead of a -100% gap against the published figure.
        case when count(*) filter (where {{ labor_regime_known('labor_regime') }}) > 0 then
            count(*) filter (where labor_regime = 'pmc')::double end as pmc_positions,
        -- Regional TPM under Table 11 item 3 (tpm_rules rows naming a management).
        count(*) filter (where servant_group = 'PM' and is_tpm and tpm_management is not null)::double as tpm_item3
    from classified
    group by grouping sets ((snapshot, effective_government_level), (snapshot))
),

scalar_long as (
    unpivot scalar_metrics
    on columns(* exclude (snapshot, scope))
    into name metric value computed_value
),

tpm_share_national as (
    select
        snapshot,
        'tpm_share_national' as metric,
        'total' as scope,
        count(*) filter (where effective_government_level = 'national')
            / nullif(count(*), 0) as computed_value
    from classified
    where servant_group = 'PM' and is_tpm
    group by snapshot
),

-- Table 11 item 3, per management (the check's parameter is tpm_rules.management).
tpm_item3_management as (
    select
        s.snapshot,
        'tpm_item3_management' as metric,
        c.scope,
        c.parameter,
        count(p.position_key)::double as computed_value
    from snapshots as s
    cross join checks as c
    left join classified as p
        on p.snapshot = s.snapshot
        and p.effective_government_level = c.scope
        and p.servant_group = 'PM'
        and p.is_tpm
        and p.tpm_management = c.parameter
    where c.metric = 'tpm_item3_management'
    group by all
),

entity_levels as (
    select
        e.snapshot,
        coalesce(c.rules_government_level, e.government_level) as government_level,
        coalesce(e.is_type_b, false) or coalesce(c.is_type_b_class, false) as is_type_b_unit
    from {{ ref('int_entities_classified') }} as e
    left join {{ ref('entity_classifications') }} as c
        on c.entity_classification = e.entity_classification
),

entity_metrics as (
    select
        snapshot,
        coalesce(government_level, 'total') as scope,
        count(*) filter (where not is_type_b_unit)::double as entities,
        count(*) filter (where is_type_b_unit)::double as type_b_units
    from entity_levels
    where government_level in ('national', 'regional')
    group by grouping sets ((snapshot, government_level), (snapshot))
),

entity_long as (
    unpivot entity_metrics
    on entities, type_b_units
    into name metric value computed_value
),

-- Parameterised shares of management positions (national + regional): by body category (Graph 5),
-- entity group (Graph 6) and sector (Graph 7; the check's parameter is the sector as MEF writes it).
management as (
    select m.*, bg.graph5_category, ec.graph6_group
    from classified as m
    left join {{ ref('body_type_groups') }} as bg
        on bg.body_type = m.body_type
    -- Graph 6 counts the regional governments' *central headquarters*: each unit is grouped by its
    -- own registry classification, not the parent's it inherits for the rules under A2.
    left join {{ ref('entity_classifications') }} as ec
        on ec.entity_classification = m.entity_classification
    where m.is_management_position
),

-- Management positions counted per snapshot and per value a share check can name, before meeting
-- the checks: each check then sums a few hundred cells instead of scanning every position. The
-- sector is folded once per distinct sector.
sectors as (
    select
        sector,
        {{ fold_text("regexp_replace(sector, '^[0-9\\s.\\-]+', '')") }} as folded_sector
    from (select distinct sector from management)
),

management_cells as (
    select
        m.snapshot,
        m.graph5_category,
        m.graph6_group,
        m.sector is not null as has_sector,
        s.folded_sector,
        count(*) as positions
    from management as m
    left join sectors as s
        on s.sector is not distinct from m.sector
    group by all
),

parameter_counts as (
    select
        s.snapshot,
        c.metric,
        c.scope,
        c.parameter,
        coalesce(sum(m.positions), 0)::bigint as management_positions,
        coalesce(sum(m.positions) filter (where m.has_sector), 0)::bigint as with_sector,
        coalesce(sum(m.positions) filter (where m.graph5_category = c.parameter), 0)::bigint as in_body_category,
        coalesce(sum(m.positions) filter (where m.graph6_group = c.parameter), 0)::bigint as in_entity_group,
        coalesce(sum(m.positions) filter (where m.folded_sector = {{ fold_text('c.parameter') }}), 0)::bigint
            as in_sector
    from snapshots as s
    cross join checks as c
    left join management_cells as m
        on m.snapshot = s.snapshot
    where c.metric in ('share_body', 'share_group', 'share_sector')
    group by s.snapshot, c.metric, c.scope, c.parameter
),

parameter_shares as (
    select
        snapshot,
        metric,
        scope,
        parameter,
        case metric
            when 'share_body' then in_body_category / nullif(management_positions, 0)
            when 'share_group' then in_entity_group / nullif(management_positions, 0)
            when 'share_sector' then in_sector / nullif(with_sector, 0)
        end as computed_value
    from parameter_counts
),

computed as (
    select snapshot, metric, scope, cast(null as varchar) as parameter, computed_value from scalar_long
    union all
    select snapshot, metric, scope, null, computed_value from tpm_share_national
    union all
    select snapshot, metric, scope, null, computed_value from entity_long
    union all
    select snapshot, metric, scope, parameter, computed_value from parameter_shares
    union all
    select snapshot, metric, scope, parameter, computed_value from tpm_item3_management
),

published_vs_computed as (
    select
        s.snapshot,
        'published_vs_computed' as check_type,
        c.figure_id as check_id,
        c.figure_id,
        f.description,
        c.metric,
        c.scope,
        c.parameter,
        f.value as published_value,
        m.computed_value,
        c.tolerance_type,
        c.tolerance,
        f.source,
        concat_ws(' | ', nullif(f.note, ''), nullif(c.note, '')) as note
    from snapshots as s
    cross join checks as c
    inner join figures as f
        on f.figure_id = c.figure_id
    left join computed as m
        on m.snapshot = s.snapshot
        and m.metric = c.metric
        and m.scope = c.scope
        and m.parameter is not distinct from c.parameter
),

identity_terms as (
    select
        i.check_id,
        t.side,
        unnest(string_split(trim(t.ids), ' ')) as term_figure_id
    from {{ ref('reference_identities') }} as i
    cross join lateral (
        select 'numerator' as side, i.numerator_figure_ids as ids
        union all
        select 'denominator', i.denominator_figure_ids
    ) as t
    where nullif(trim(t.ids), '') is not null
),

identity_values as (
    select
        t.check_id,
        sum(f.value) filter (where t.side = 'numerator') as numerator,
        product(f.value) filter (where t.side = 'numerator') as numerator_product,
        sum(f.value) filter (where t.side = 'denominator') as denominator
    from identity_terms as t
    left join figures as f
        on f.figure_id = t.term_figure_id
    group by t.check_id
),

source_consistency as (
    select
        s.snapshot,
        'source_consistency' as check_type,
        i.check_id,
        i.figure_id,
        i.description,
        i.kind as metric,
        f.scope,
        replace(i.numerator_figure_ids, ' ', ' + ')
            || coalesce(' / (' || replace(nullif(i.denominator_figure_ids, ''), ' ', ' + ') || ')', '')
            as parameter,
        f.value as published_value,
        case i.kind
            when 'ratio' then v.numerator / nullif(v.denominator, 0)
            when 'product' then v.numerator_product
            else v.numerator
        end as computed_value,
        -- A product is an upper bound the printed figure must not exceed.
        case i.kind when 'product' then 'upper_bound' else 'absolute' end as tolerance_type,
        i.tolerance,
        f.source,
        f.note
    from snapshots as s
    cross join {{ ref('reference_identities') }} as i
    inner join figures as f
        on f.figure_id = i.figure_id
    left join identity_values as v
        on v.check_id = i.check_id
),

all_checks as (
    select * from published_vs_computed
    union all by name
    select * from source_consistency
),

-- Whether the comparison is a test depends on the snapshot's series (seeds/reference/
-- series_reconciliation.csv): only a series calibrated to the 2016 figures is tested against them;
-- for any other series the figures are shown side by side, "2016 published vs this snapshot".
presentation as (
    select
        s.snapshot,
        s.series,
        coalesce(r.is_reconciliation_test, false) as is_reconciliation_test
    from {{ ref('stg_registry__snapshots') }} as s
    left join {{ ref('series_reconciliation') }} as r
        on r.series = s.series
)

select
    a.snapshot,
    p.series,
    p.is_reconciliation_test,
    check_type,
    check_id,
    figure_id,
    description,
    metric,
    scope,
    parameter,
    published_value,
    computed_value,
    computed_value - published_value as difference,
    (computed_value - published_value) / nullif(published_value, 0) as relative_difference,
    tolerance_type,
    tolerance,
    -- Nothing computed (e.g. appointments in a registry without them) is never "within": greatest()
    -- below would skip the null and read it as 0.
    computed_value is not null and coalesce(
        case tolerance_type
            when 'relative' then abs(computed_value - published_value) / nullif(abs(published_value), 0)
            -- A published lower bound ("more than 70%") is met by any value above it.
            when 'at_least' then greatest(published_value - computed_value, 0)
            -- The published figure is the most the rules allow (computed may be lower).
            when 'at_most' then greatest(computed_value - published_value, 0)
            -- Source consistency: the printed figure may not exceed the bound computed from others.
            when 'upper_bound' then greatest(published_value - computed_value, 0)
            else abs(computed_value - published_value)
        end <= tolerance + 1e-9,
        false
    ) as within_tolerance,
    source,
    note
from all_checks as a
inner join presentation as p
    on p.snapshot = a.snapshot
