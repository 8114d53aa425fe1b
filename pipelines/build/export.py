"""Export every mart of the warehouse, per snapshot, to data/marts/<snapshot>/.

<mart>.parquet (internal: every value) and <mart>.csv (published: cells of fewer than 5 people
suppressed, with their complements, formulas defused) per mart, plus marts.xlsx (published) with
one sheet per mart. A mart with a count column no rule covers is not written at all
(pipelines.disclosure.column_review).

Identical inputs give byte-identical files, whatever the order or history of runs
(seeds/publication/publication_parameters.csv): floats are rounded to a fixed number of
significant digits (the last-digit noise of DuckDB's parallel sums never reaches the bytes), rows
are then sorted on every column, the Parquet writer's settings are fixed and the workbook's
creation date is pinned.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from pipelines import paths
from pipelines.disclosure.column_review import unreviewed_columns
from pipelines.disclosure.complementary import MARGINS_PATH, missing_columns
from pipelines.disclosure.settings import settings
from pipelines.disclosure.suppress import RULES_PATH, suppress_all
from pipelines.errors import BuildError
from pipelines.ingest.csv_safety import neutralize

MART_PREFIX = "mart_"
EXCEL_MAX_ROWS = 1_048_576  # rows in a worksheet, header included


def publishable(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """What may leave the building, for the marts of one snapshot together: small cells and the
    cells that would give them back suppressed (seeds/publication), formulas defused."""
    return {mart: neutralize(frame) for mart, frame in suppress_all(frames).items()}


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """Floats rounded to the published precision, then rows sorted on every column: the same
    values give the same bytes, whatever order DuckDB returned them in."""
    digits = settings().float_significant_digits
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    rounded = frame.with_columns(pl.col(floats).round_sig_figs(digits)) if floats else frame
    if rounded.is_empty() or not rounded.columns:
        return rounded
    return rounded.sort(rounded.columns, nulls_last=True, maintain_order=True)


def check_reviewed(frames: dict[str, pl.DataFrame]) -> None:
    """Refuse to export a mart whose count or pay columns no rule covers (a new, unreviewed column),
    or that lacks a column a suppression margin names (a renamed column). Nothing is written."""
    renamed = missing_columns(frames)
    if renamed:
        raise BuildError(problem="suppression margins name columns the marts lack: " + ", ".join(renamed),
                         fix="rename them in seeds/publication/suppression_margins.csv to the marts' new names",
                         file=MARGINS_PATH)
    problems = {mart: cols for mart, frame in frames.items() if (cols := unreviewed_columns(mart, frame.schema))}
    if problems:
        raise BuildError(
            problem="columns that may count people or sum their pay have no suppression rule: "
            + "; ".join(f"{mart}: {', '.join(cols)}" for mart, cols in sorted(problems.items())),
            fix="add a rule to seeds/publication/suppression_rules.csv (a count: its own rule; pay or a "
                "share: in the columns_to_blank of the rule of its count), or review the column in "
                "seeds/publication/column_review.csv",
            file=RULES_PATH)


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """The internal table, with fixed writer settings (codec, level, row groups, statistics)."""
    chosen = settings()
    frame.write_parquet(path, compression=chosen.parquet_compression,  # type: ignore[arg-type]
                        compression_level=chosen.parquet_compression_level,
                        row_group_size=chosen.parquet_row_group_size, statistics=True)


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and starts_with(table_name, ?) order by table_name",
        [MART_PREFIX],
    ).fetchall()
    return [r[0] for r in rows]


def export_marts(snapshots: Sequence[str] | None = None, warehouse: Path | None = None) -> list[Path]:
    """Write every mart filtered to each snapshot; return the files written."""
    source = warehouse or paths.warehouse_path()
    if not source.is_file():
        raise BuildError(problem="the warehouse does not exist", fix="run the build first", file=source)
    con = duckdb.connect(str(source), read_only=True)
    try:
        marts = mart_names(con)
        if not marts:
            raise BuildError(problem="the warehouse holds no mart_* table", fix="run the build first",
                             file=source)
        if snapshots is None:
            query = f"select distinct snapshot from {marts[0]}"
            snapshots = sorted({r[0] for r in con.execute(query).fetchall()})
        written: list[Path] = []
        for snapshot in snapshots:
            frames = {
                mart: canonical(con.sql(f"select * from {mart} where snapshot = ?", params=[snapshot]).pl())
                for mart in marts
            }
            written += _write_snapshot(snapshot, frames)
        return written
    finally:
        con.close()


def _write_snapshot(snapshot: str, frames: dict[str, pl.DataFrame]) -> list[Path]:
    """Write into a sibling temp folder, then swap it in: readers never see half a snapshot."""
    check_reviewed(frames)
    # Parquet is the internal table (every value, for analysts and notebooks); the CSV and the
    # workbook are what gets shared, so they carry disclosure control.
    published = publishable(frames)
    final = paths.marts_dir(snapshot)
    staging = final.with_name(f".{final.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for mart, frame in frames.items():
        write_parquet(frame, staging / f"{mart}.parquet")
        published[mart].write_csv(staging / f"{mart}.csv")
    _write_workbook(staging / "marts.xlsx", frames, published)
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return sorted(final.iterdir())


def _write_workbook(path: Path, frames: dict[str, pl.DataFrame],
                    published: dict[str, pl.DataFrame] | None = None) -> None:
    import xlsxwriter

    published = publishable(frames) if published is None else published
    # strings_to_formulas off: no cell text is ever evaluated, whatever it starts with.
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    # Pinned (seeds/publication) so that the xlsx bytes do not change from run to run.
    workbook.set_properties({"created": settings().workbook_created})
    try:
        for mart, frame in frames.items():
            if frame.height >= EXCEL_MAX_ROWS:
                # A position-level mart of a national payroll (1.4 M rows) does not fit a sheet:
                # say where the table is instead of failing the whole export.
                note = pl.DataFrame({"note": [
                    f"{mart} has {frame.height:,} rows, more than an Excel sheet holds "
                    f"({EXCEL_MAX_ROWS - 1:,}); use {mart}.csv or {mart}.parquet"]})
                note.write_excel(workbook=workbook, worksheet=mart[:31], autofit=False)
                continue
            published[mart].write_excel(workbook=workbook, worksheet=mart[:31], autofit=False)
    finally:
        workbook.close()
