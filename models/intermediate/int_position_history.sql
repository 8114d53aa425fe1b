-- What history compares of every snapshot built so far: one row per snapshot x position with the
-- few columns int_positions_compared sets side by side. Incremental (macros/batch.sql), like the
-- marts: a refresh that adds a snapshot stages and classifies only its batch, so the snapshot
-- before the first of the batch is read from here, kept from the build that made it. A full build
-- (--full-refresh) makes it again from every staged snapshot.
{{ config(materialized='snapshot_rows') }}

select
    p.snapshot,
    p.snapshot_date,
    s.series,
    p.position_id,
    p.position_key,
    p.entity_id,
    p.entity_name,
    p.effective_government_level,
    p.government_level,
    p.servant_group,
    p.role,
    p.is_tpm,
    p.organizational_level,
    p.body_type,
    p.appointment_type,
    p.monthly_pay,
    -- Pseudonymized occupant keys (keyed hashes): compared, never exported.
    p.occupant_key
from {{ ref('int_positions_classified') }} as p
inner join {{ ref('stg_registry__snapshots') }} as s
    on s.snapshot = p.snapshot
