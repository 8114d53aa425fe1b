"""Export every mart of the warehouse, per snapshot, to data/marts/<snapshot>/.

<mart>.parquet and <mart>.csv per mart, plus marts.xlsx with one sheet per mart. Identical inputs
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
from pipelines.errors import BuildError

MART_PREFIX = "mart_"
# Text starting with one of these is a formula to a spreadsheet (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Pinned so that the xlsx bytes do not change from run to run.
WORKBOOK_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def neutralize_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text that a spreadsheet would run as a formula with a quote (the value stays readable)."""
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_PREFIXES) + "]"
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    )


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
        neutralize_formulas(frame).write_csv(staging / f"{mart}.csv")
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
            neutralize_formulas(frame).write_excel(workbook=workbook, worksheet=mart[:31], autofit=False)
    finally:
        workbook.close()
