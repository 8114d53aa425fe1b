"""Write staging Parquet exactly as the contract types it (`contract.staging_columns`).

Ingestion owns the real writer; this small one lets tests and benchmarks hand-make a snapshot
for dbt without running ingestion. Missing optional columns are written as typed nulls so dbt's
staging models see the same schema they get from ingestion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from pipelines import paths
from pipelines.ingest import contract
from pipelines.refresh.series import SeriesInfo, write_series


def staging_frame(table: str, rows: Sequence[Mapping[str, Any]] | pl.DataFrame) -> pl.DataFrame:
    """Rows -> a DataFrame with every staging column of `table`, in order, cast to its dtype."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(list(rows), infer_schema_length=None)
    columns = contract.staging_columns(table)
    unknown = set(frame.columns) - set(columns)
    if unknown:
        raise ValueError(f"{table}: columns not in the staging contract: {sorted(unknown)}")
    exprs = []
    for name, dtype_name in columns.items():
        dtype = getattr(pl, dtype_name)
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        elif name == "source_file":
            exprs.append(pl.lit(f"{table}.csv", dtype=pl.Utf8).alias(name))
        elif name == "source_row":
            exprs.append((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(name))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)


def write_snapshot(
    snapshot: str,
    entities: Sequence[Mapping[str, Any]] | pl.DataFrame,
    positions: Sequence[Mapping[str, Any]] | pl.DataFrame,
    root: Path | None = None,
    series: SeriesInfo | None = None,
) -> Path:
    """Write `<root>/<snapshot>/{entities,positions}.parquet`; root defaults to paths.staging_dir().
    `series`: also write its series.json, as ingestion does (without it, dbt uses the defaults)."""
    folder = (root or paths.staging_dir()) / snapshot
    folder.mkdir(parents=True, exist_ok=True)
    staging_frame("entities", entities).write_parquet(folder / "entities.parquet")
    staging_frame("positions", positions).write_parquet(folder / "positions.parquet")
    if series is not None:
        write_series(folder, series)
    return folder
