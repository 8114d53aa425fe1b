-- One row per staged snapshot: the series it belongs to and where its data comes from, from the
-- series.json ingestion copies into data/staging/<snapshot>/ (pipelines.refresh.series). History compares
-- consecutive snapshots of the same series only. A snapshot staged without the file gets the
-- defaults pipelines.refresh.series documents: series 'default', origin 'real'.
with staged as (
    select distinct
        snapshot,
        snapshot_date
    from {{ ref('stg_registry__positions') }}
),

metadata as (
    {{ staged_series_metadata(source('registry', 'series')) }}
)

select
    staged.snapshot,
    staged.snapshot_date,
    coalesce(nullif(trim(m.series), ''), 'default') as series,
    coalesce(nullif(lower(trim(m.origin)), ''), 'real') as origin,
    m.source,
    m.description
from staged
left join metadata as m
    on m.snapshot = staged.snapshot
