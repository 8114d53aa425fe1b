"""What the title inference will make of a positions file, before a run (`servir-pm validate`).

Runs the same dbt model the build runs (int_positions_inferred, with the seeds of
seeds/inference and the analysts' decisions) on the file's valid rows, in a scratch warehouse,
and counts: rows classifiable from the columns the file gives, from a confident reading of the
title, rows that will need review, rows that are not management positions, and the most frequent
titles left to review. Without an entities file only the rules that do not depend on the entity's
classification can apply, so more rows go to review than in a real run.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.ingest import contract

PREVIEW_SNAPSHOT = "preview"


@dataclass
class InferencePreview:
    rows: int
    from_columns: int  # level and body type given
    confident: int  # read from the title with confidence (incl. public officers and non-management)
    to_review: int
    not_management: int
    public_officers: int
    with_entities: bool
    top_to_review: list[tuple[str, int]] = field(default_factory=list)


def _staged(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    columns = contract.staging_columns(table)
    return frame.select(
        pl.col(c).cast(getattr(pl, t)) if c in frame.columns else pl.lit(None, getattr(pl, t)).alias(c)
        for c, t in columns.items())


def _valid_rows(path: Path, table: str, sheet: str | None) -> pl.DataFrame:
    from pipelines.ingest.snapshot import load_file, validate_rows

    typed, written, _ = load_file(path, table, sheet)
    valid, _ = validate_rows(typed, written, table, None)
    return valid


def preview(positions_file: Path, sheet: str | None = None, entities_file: Path | None = None,
            top: int = 30) -> InferencePreview:
    from pipelines.build.dbt_runner import run_dbt

    positions = _valid_rows(Path(positions_file), "positions", sheet)
    if entities_file is not None:
        entities = _valid_rows(Path(entities_file), "entities", sheet)
    else:  # one entity per id, classification unknown: only entity-independent rules apply
        entities = positions.select(pl.col("entity_id").drop_nulls().unique()).with_columns(
            pl.col("entity_id").alias("entity_name"))
    with tempfile.TemporaryDirectory(prefix="servir-pm-preview-") as scratch:
        root = Path(scratch)
        folder = root / "staging" / PREVIEW_SNAPSHOT
        folder.mkdir(parents=True)
        _staged(entities, "entities").write_parquet(folder / "entities.parquet")
        _staged(positions, "positions").write_parquet(folder / "positions.parquet")
        with paths.environment({"SERVIR_PM_DATA": str(root), "SERVIR_PM_STAGING": str(root / "staging"),
                                "SERVIR_PM_WAREHOUSE": str(root / "warehouse.duckdb")}):
            # Models and seeds only: the data tests judge a whole snapshot, which a preview is not.
            run_dbt(["build", "--select", "+int_positions_inferred", "--resource-type", "seed",
                     "--resource-type", "model"], dbt_vars={"snapshot": "*"})
            import duckdb

            with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
                inferred = pl.from_arrow(con.sql(
                    "select position_title, title_reading, needs_review, organizational_level_source, "
                    "body_type_source from int_positions_inferred").arrow())
    given = (pl.col("organizational_level_source") == "input") & (pl.col("body_type_source") == "input")
    counts = inferred.select(
        pl.len().alias("rows"),
        given.sum().alias("from_columns"),
        (~given & ~pl.col("needs_review")).sum().alias("confident"),
        pl.col("needs_review").sum().alias("to_review"),
        ((pl.col("title_reading") == "not_management") & ~pl.col("needs_review")).sum().alias("not_management"),
        ((pl.col("title_reading") == "public_officer") & ~pl.col("needs_review")).sum().alias("public_officers"),
    ).row(0, named=True)
    top_titles = (inferred.filter(pl.col("needs_review")).group_by("position_title").len()
                  .sort(["len", "position_title"], descending=[True, False]).head(top))
    return InferencePreview(**{k: int(v) for k, v in counts.items()}, with_entities=entities_file is not None,
                            top_to_review=[(t, int(n)) for t, n in top_titles.iter_rows()])
