"""Export every mart of the warehouse, per snapshot, to data/marts/<snapshot>/.

<mart>.parquet (internal: every value) and <mart>.csv (published: cells of fewer than 5 people
suppressed, with their complements, formulas defused) per mart, plus marts.xlsx (published) with
one sheet per mart. A mart with a count column no rule covers is not written at all
(pipelines.disclosure.column_review).

Position-level marts (one row per person) never come into Python: DuckDB writes their Parquet and
CSV with COPY (pipelines.build.export_rows). The workbook holds a mart only up to
`workbook_max_rows` rows (seeds/publication/publication_parameters.csv); a longer one's sheet says
to use its CSV or Parquet (writing a national payroll cell by cell took minutes and gigabytes).

Identical inputs give byte-identical files, whatever the order or history of runs
(seeds/publication/publication_parameters.csv): floats are rounded to a fixed number of
significant digits (the last-digit noise of DuckDB's parallel sums never reaches the bytes), rows
are then sorted on every column, the Parquet writer's settings are fixed and the workbook's
creation date is pinned.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines import paths
from pipelines.build import export_rows
from pipelines.build.xlsx_sheet import FastSheet
from pipelines.disclosure.column_review import unreviewed_columns
from pipelines.disclosure.complementary import MARGINS_PATH, missing_columns
from pipelines.disclosure.settings import PARAMETERS_PATH, settings
from pipelines.disclosure.suppress import RULES_PATH, suppress_all
from pipelines.errors import BuildError
from pipelines.ingest.csv_safety import neutralize
from pipelines.swap import swap_in

MART_PREFIX = "mart_"
EXCEL_MAX_ROWS = 1_048_576  # rows in a worksheet, header included
MEMORY_ENV = "SERVIR_PM_DUCKDB_MEMORY"  # the export's DuckDB budget, as the build's (profiles.yml)
PROFILES_PATH = paths.PROJECT_ROOT / "profiles.yml"


@cache
def workbook_max_rows(path: Path = PARAMETERS_PATH) -> int:
    """Longest mart written into marts.xlsx (publication_parameters.csv)."""
    with path.open(encoding="utf-8", newline="") as handle:
        values = {row["parameter"]: row["value"].strip() for row in csv.DictReader(handle)}
    return int(values["workbook_max_rows"])


def sheet_limit() -> int:
    """Rows of a mart that go into its sheet: the parameter, never beyond what a sheet holds."""
    return min(workbook_max_rows(), EXCEL_MAX_ROWS - 1)


@cache
def default_memory(profiles: Path = PROFILES_PATH) -> str:
    """The build's DuckDB memory_limit default, read from profiles.yml so it is written in one place."""
    text = profiles.read_text(encoding="utf-8")
    found = re.search(r"memory_limit:\s*\"\{\{\s*env_var\('" + MEMORY_ENV + r"',\s*'([^']+)'\)", text)
    if found is None:
        raise BuildError(problem=f"no memory_limit default for {MEMORY_ENV} in the dbt profile",
                         fix=f"write it as memory_limit: \"{{{{ env_var('{MEMORY_ENV}', '1GB') }}}}\"",
                         file=profiles)
    return found.group(1)


def duckdb_memory() -> str:
    """The export's DuckDB budget: the environment's, else the build's default (profiles.yml)."""
    return os.environ.get(MEMORY_ENV) or default_memory()


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
    con = duckdb.connect(str(source), read_only=True,
                         config={"memory_limit": duckdb_memory()})
    con.execute("set enable_progress_bar = false")  # a session option: drawn into logs nobody watches
    try:
        marts = mart_names(con)
        if not marts:
            raise BuildError(problem="the warehouse holds no mart_* table", fix="run the build first",
                             file=source)
        if snapshots is None:
            query = f"select distinct snapshot from {marts[0]}"
            snapshots = sorted({r[0] for r in con.execute(query).fetchall()})
        by_row = export_rows.row_level_marts(marts)
        small = [mart for mart in marts if mart not in by_row]
        written: list[Path] = []
        for snapshot in snapshots:
            written += _write_snapshot(snapshot, None, con, by_row, pull=small)
        return written
    finally:
        con.close()


def _schemas(con: duckdb.DuckDBPyConnection, marts: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Each mart's columns and types, as its pulled frame has them (no rows)."""
    return {mart: con.sql(f"select * from {mart} limit 0").pl() for mart in marts}


def _pull(con: duckdb.DuckDBPyConnection, marts: Sequence[str], snapshot: str) -> dict[str, pl.DataFrame]:
    return {mart: canonical(con.sql(f"select * from {mart} where snapshot = ?", params=[snapshot]).pl())
            for mart in marts}


def _write_snapshot(snapshot: str, frames: dict[str, pl.DataFrame] | None = None,
                    con: duckdb.DuckDBPyConnection | None = None, by_row: Sequence[str] = (),
                    pull: Sequence[str] = ()) -> list[Path]:
    """Write into a sibling temp folder, then swap it in: readers never see half a snapshot.
    `frames` are marts in memory; `pull` the marts to read from the warehouse (`con`), `by_row`
    the position-level marts DuckDB writes itself.

    DuckDB writes the position lists on a cursor of its own in a second thread (it releases the
    GIL) while Python pulls, suppresses and writes the other marts: at scale 127 the COPYs alone
    kept the two cores busy only part of the time. Each file's bytes depend on its rows only (a
    total order, fixed writer settings), never on which thread ran when."""
    if (by_row or pull) and con is None:
        raise ValueError("marts written or pulled from the warehouse need its connection")
    frames = dict(frames or {})
    # Checked from the schemas (the pulled frames have the same), before anything is written.
    check_reviewed({**frames, **(_schemas(con, [*pull, *by_row]) if con else {})})
    final = paths.marts_dir(snapshot)
    staging = final.with_name(f".{final.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows = {mart: export_rows.row_count(con, mart, snapshot) for mart in by_row} if con else {}
    # The short position lists go first: the workbook waits for them, not for the long ones.
    order = sorted(by_row, key=lambda mart: rows[mart] > sheet_limit())
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-copy")
    cursor = con.cursor() if con is not None and by_row else None
    try:
        copying = {mart: pool.submit(export_rows.copy_mart, cursor, mart, snapshot, staging) for mart in order}
        if pull:
            frames |= _pull(con, pull, snapshot)  # type: ignore[arg-type]
        # Parquet is the internal table (every value, for analysts and notebooks); the CSV and the
        # workbook are what gets shared, so they carry disclosure control.
        published = publishable(frames)
        for mart, frame in frames.items():
            write_parquet(frame, staging / f"{mart}.parquet")
            published[mart].write_csv(staging / f"{mart}.csv")
        too_long = {mart: rows[mart] for mart in order if rows[mart] > sheet_limit()}
        for mart in order:
            if mart not in too_long:  # short enough for a sheet: published like any other mart
                copying[mart].result()
                frame = pl.read_parquet(staging / f"{mart}.parquet")
                frames[mart], published[mart] = frame, publishable({mart: frame})[mart]
        _write_workbook(staging / "marts.xlsx", frames, published, too_long)
        for mart in order:
            if copying[mart].result() != rows[mart]:
                raise BuildError(problem=f"{mart}: the rows written are not the rows counted in the warehouse",
                                 fix="run the export again; report it if it persists", file=staging)
    finally:
        # On an error, the COPY under way finishes and the queued ones never start.
        pool.shutdown(wait=True, cancel_futures=True)
        if cursor is not None:
            cursor.close()
    swap_in(staging, final)
    return sorted(final.iterdir())


def _write_workbook(path: Path, frames: dict[str, pl.DataFrame], published: dict[str, pl.DataFrame] | None = None,
                    too_long: dict[str, int] | None = None) -> None:
    """One sheet per mart, in name order. A mart longer than sheet_limit() (`frames`, or `too_long`:
    the position-level marts left in DuckDB, by rows) gets a note saying where the table is."""
    import xlsxwriter

    published = publishable(frames) if published is None else published
    too_long = {**(too_long or {}), **{m: f.height for m, f in frames.items() if f.height > sheet_limit()}}
    # strings_to_formulas off: no cell text is ever evaluated, whatever it starts with.
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    # Pinned (seeds/publication) so that the xlsx bytes do not change from run to run.
    workbook.set_properties({"created": settings().workbook_created})
    try:
        for mart in sorted({*frames, *too_long}):
            if mart in too_long:
                # A position-level mart of a national payroll (1.4 M rows): say where the table is.
                note = pl.DataFrame({"note": [
                    f"{mart} has {too_long[mart]:,} rows, more than an Excel sheet holds ({sheet_limit():,}) "
                    f"in marts.xlsx (workbook_max_rows, seeds/publication); use {mart}.csv or {mart}.parquet"]})
                _write_sheet(workbook, mart, note)
                continue
            _write_sheet(workbook, mart, published[mart])
    finally:
        workbook.close()


def _write_sheet(workbook: Any, mart: str, frame: pl.DataFrame) -> None:
    """One mart's sheet, as polars writes it; its data cells by FastSheet (same XML, vectorized)."""
    sheet = workbook.add_worksheet(mart[:31], worksheet_class=FastSheet)
    sheet.frame = frame
    frame.write_excel(workbook=workbook, worksheet=sheet, autofit=False)
