-- Which Table 11 item made how many positions Top Public Management, in which kind of entity?
-- (SERVIR 2016 Table 11, seed 000 lines 1106-1112: item 1 level 1 of public bodies and autonomous
-- agencies, item 2 level 2 of ministries / autonomous agencies / annex-09 bodies, item 3 the four
-- regional managements.) One row per snapshot x government level x item x entity classification
-- (the effective one), with how many of those TPM positions are held by appointees.
select
    snapshot,
    any_value(snapshot_date) as snapshot_date,
    effective_government_level as government_level,
    tpm_rule,
    effective_entity_classification as entity_classification,
    count(*) as tpm_positions,
    count(*) filter (where appointment_type = 'appointed') as appointed_tpm,
    count(*) filter (where appointment_type = 'appointed') / count(*) as appointed_share
from {{ ref('int_positions_classified') }}
where is_tpm
group by snapshot, effective_government_level, tpm_rule, effective_entity_classification
