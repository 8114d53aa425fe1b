"""Export every mart of the warehouse, per snapshot, to data/marts/<snapshot>/.

<mart>.parquet (internal: every value) and <mart>.csv (published: cells of fewer than 5 people
suppressed, formulas defused) per mart, plus marts.xlsx (published) with one sheet per mart. Identical inputs
give byte-identical files: rows are sorted on every column, and nothing time-dependent is written
(the workbook's creation date is pinned).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from pipelines import paths
from pipelines.csv_safety import neutralize
from pipelines.disclosure import suppress
from pipelines.errors import BuildError

MART_PREFIX = "mart_"
EXCEL_MAX_ROWS = 1_048_576  # rows in a worksheet, header included
# Pinned so that the xlsx bytes do not change from run to run.
WORKBOOK_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def publishable(frame: pl.DataFrame, mart: str) -> pl.DataFrame:
    """What may leave the building: small cells suppressed (seeds/publication), formulas defused."""
    return neutralize(suppress(frame, mart))


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
                mart: con.sql(f"select * from {mart} where snapshot = ? order by all", params=[snapshot]).pl()
                for mart in marts
            }
            written += _write_snapshot(snapshot, frames)
        return written
    finally:
        con.close()


def _write_snapshot(snapshot: str, frames: dict[str, pl.DataFrame]) -> list[Path]:
    """Write into a sibling temp folder, then swap it in: readers never see half a snapshot."""
    final = paths.marts_dir(snapshot)
    staging = final.with_name(f".{final.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for mart, frame in frames.items():
        frame.write_parquet(staging / f"{mart}.parquet")
        # Parquet is the internal table (every value, for analysts and notebooks); the CSV and the
        # workbook are what gets shared, so they carry disclosure control.
        publishable(frame, mart).write_csv(staging / f"{mart}.csv")
    _write_workbook(staging / "marts.xlsx", frames)
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return sorted(final.iterdir())


def _write_workbook(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    import xlsxwriter

    # strings_to_formulas off: no cell text is ever evaluated, whatever it starts with.
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"created": WORKBOOK_DATE.replace(tzinfo=None)})
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
            publishable(frame, mart).write_excel(workbook=workbook, worksheet=mart[:31], autofit=False)
    finally:
        workbook.close()
