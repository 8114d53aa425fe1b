"""Ingest one snapshot: read every file, map headers, normalize, validate, split, write.

Every row read ends in exactly one place: data/staging/<snapshot>/<table>.parquet or
data/quarantine/<snapshot>/<table>.csv with its reason. Outputs are written aside and swapped
in at the end, so a snapshot that stops half-way leaves the previous outputs untouched.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.errors import ContractError, UnreadableFileError
from pipelines.ingest import linking, manifest
from pipelines.ingest.check_exprs import table_report
from pipelines.ingest.contract import COLUMNS, REASONS, TABLES, staging_columns
from pipelines.ingest.csv_safety import write_safe_csv
from pipelines.ingest.discovery import TABLE_FILE_PREFIXES, discover_files, sha256_of, unsupported_table_files
from pipelines.ingest.distinct import as_categories
from pipelines.ingest.names import with_name_key
from pipelines.ingest.normalize import (
    UNPARSED,
    HeaderMapping,
    few_valued_headers,
    map_headers,
    normalize,
    occupant_ids,
    require_columns,
)
from pipelines.ingest.readers import read_table
from pipelines.ingest.row_issues import attach_issues
from pipelines.ingest.validate import validate_rows
from pipelines.privacy.pseudonym import pseudonymize
from pipelines.privacy.redact import redact_any
from pipelines.privacy.salt import require_secret_key
from pipelines.refresh.series import read_series, write_series
from pipelines.swap import swap_in

# Quarantine files show the row as it came; a cell this long is cut so the file stays usable.
_QUARANTINE_CELL_CHARS = 1_000
_WARN_ONLY_KINDS = ("date",)  # a bad date empties the value and warns; the position still counts

StepCallback = Callable[[str], None]


@dataclass
class FileReport:
    file: str
    table: str
    sha256: str
    size_bytes: int
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    columns_recognized: dict[str, str]
    columns_recognized_how: dict[str, str]
    columns_ignored: list[str]
    columns_repeated: list[str]
    columns_dropped_personal: list[str]
    rows_read: int = 0
    rows_valid: int = 0
    rows_quarantined: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason_code -> first few reasons
    rows_counted: int | None = None  # rows counted from the file's bytes, without the parser
    sheets: list[dict] = field(default_factory=list)  # XLSX: every sheet read (name, header row, rows)
    notes: list[str] = field(default_factory=list)  # what the reader skipped (title lines, sheets, ...)
    header_suggestions: dict[str, str] = field(default_factory=dict)  # unknown header -> close accepted one


@dataclass
class TableResult:
    valid: pl.DataFrame
    quarantined: pl.DataFrame
    reports: list[FileReport]


@dataclass
class SnapshotResult:
    snapshot: str
    files: list[FileReport]
    timings: dict[str, float]
    staging_dir: Path
    quarantine_dir: Path
    manifest_path: Path
    table_checks: dict[str, dict]


def load_file(path: Path, table: str, sheet: str | None = None,
              allow_default_key: bool = True) -> tuple[pl.DataFrame, pl.DataFrame, FileReport]:
    """(typed rows, the same rows as written, report). Stops with a clear error if unusable.
    allow_default_key: False for a real (not synthetic) snapshot: occupant IDs need a secret key."""
    # The file's SHA-256 is computed in a second thread while it is read (hashlib releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, path)
        raw = read_table(path, table, sheet)
        sha256 = digest.result()
    mapping: HeaderMapping = map_headers(raw.frame.columns, table)
    require_columns(mapping, table, str(path))
    if not allow_default_key:
        _require_key_if_ids(raw.frame, mapping, path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The occupant keys (a Python loop holding the GIL) are computed in a second thread from
        # here on, while polars holds the few-valued columns as categories and types every column.
        ids = occupant_ids(raw.frame, mapping)
        keys = None if ids is None else pool.submit(pseudonymize, ids)
        del ids
        # Replaced, not copied: the text form of those columns is freed here (quarantine files show
        # them as text again: validate_rows).
        raw.frame = as_categories(raw.frame, few_valued_headers(mapping, table))
        typed = normalize(raw.frame, mapping, table, keys)
    report = FileReport(
        file=str(path), table=table, sha256=sha256, size_bytes=path.stat().st_size,
        file_format=raw.file_format, encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet,
        header_row=raw.header_row, columns_recognized=mapping.recognized, columns_recognized_how=mapping.how,
        columns_ignored=mapping.ignored, columns_repeated=mapping.repeated,
        columns_dropped_personal=mapping.dropped_personal, rows_read=raw.frame.height,
        rows_counted=raw.rows_counted, sheets=raw.sheets, notes=raw.notes, header_suggestions=mapping.suggestions,
    )
    origin = [
        pl.lit(path.name).alias("source_file"),
        (raw.source_rows.alias("source_row") if raw.source_rows is not None
         else (pl.int_range(pl.len(), dtype=pl.Int64) + raw.header_row + 1).alias("source_row")),
    ]
    typed = typed.with_columns(origin)
    # The row as written, under contract names; personal names never, IDs only as their hash.
    as_written = raw.frame.select(
        pl.col(h).alias(c) for h, c in mapping.recognized.items() if c != "occupant_id"
    ).with_columns(origin)
    if raw.source_sheets is not None:
        as_written = as_written.with_columns(raw.source_sheets.alias("source_sheet"))
    if "occupant_key" in typed.columns and "occupant_id" in mapping.recognized.values():
        as_written = as_written.with_columns(typed["occupant_key"])
    typed, as_written = attach_issues(raw.issues, mapping, typed, as_written)
    return typed, as_written, report


def _require_key_if_ids(frame: pl.DataFrame, mapping: HeaderMapping, path: Path) -> None:
    id_headers = [h for h, c in mapping.recognized.items() if c == "occupant_id"]
    carries_ids = id_headers and frame.select(
        pl.col(id_headers[0]).cast(pl.Utf8).str.strip_chars().str.len_chars().fill_null(0).gt(0).any()).item()
    if carries_ids:
        require_secret_key(path)


def ingest_table(files: list[Path], table: str, known_entity_ids: list[str] | None,
                 sheet: str | None = None, entities: TableResult | None = None,
                 allow_default_key: bool = True) -> TableResult:
    """`entities`: the snapshot's ingested entities, to link positions by id or by name."""
    typed_parts, written_parts, reports = [], [], []
    for path in files:
        typed, written, report = load_file(path, table, sheet, allow_default_key)
        typed_parts.append(typed)
        written_parts.append(written)
        reports.append(report)
    typed = with_name_key(pl.concat(typed_parts, how="diagonal_relaxed"))
    written = pl.concat(written_parts, how="diagonal_relaxed")
    linked = None
    if entities is not None:
        link = linking.link_positions(typed, entities.valid, entities.quarantined)
        typed, linked, known_entity_ids = link.typed, link.findings, link.known_entity_ids
    valid, quarantined = validate_rows(typed, written, table, known_entity_ids, linked)
    _count(reports, valid, quarantined, typed, table)
    return TableResult(valid, quarantined, reports)


def _count(reports: list[FileReport], valid: pl.DataFrame, quarantined: pl.DataFrame,
           typed: pl.DataFrame, table: str) -> None:
    warn_columns = [c.name for c in COLUMNS[table] if c.kind in _WARN_ONLY_KINDS]
    for report in reports:
        name = Path(report.file).name
        mine = quarantined.filter(pl.col("source_file") == name)
        report.rows_quarantined = mine.height
        report.rows_valid = valid.select((pl.col("source_file") == name).sum()).item()  # counted, not copied
        report.quarantined_by_reason = dict(sorted(
            mine.group_by("reason_code").len().iter_rows(), key=lambda kv: list(REASONS).index(kv[0])))
        report.examples = {
            code: mine.filter(pl.col("reason_code") == code).head(3)
            .select(pl.format("row {}: {}", "source_row", "reason"))
            .to_series().to_list()
            for code in report.quarantined_by_reason
        }
        kept = valid.lazy().filter(pl.col("source_file") == name)
        for column in warn_columns:
            unreadable = kept.select(pl.col(UNPARSED + column).drop_nulls()).collect().to_series()
            if unreadable.len():
                report.warnings[f"{column}: unreadable, left empty"] = unreadable.len()
                report.examples[f"warning:{column}"] = unreadable.head(3).to_list()


def _truncate_long_cells(frame: pl.DataFrame) -> pl.DataFrame:
    limit = _QUARANTINE_CELL_CHARS
    return frame.with_columns(
        pl.when(pl.col(c).str.len_chars() > limit)
        .then(pl.col(c).str.slice(0, 200) + pl.format("…[cut: {} characters]", pl.col(c).str.len_chars()))
        .otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items() if dtype == pl.Utf8
    )


def _staging_frame(valid: pl.DataFrame, table: str) -> pl.DataFrame:
    schema = staging_columns(table)
    return valid.select(pl.col(c).cast(getattr(pl, dtype)) for c, dtype in schema.items())


def ingest_snapshot(snapshot_dir: Path, sheet: str | None = None,
                    on_step: StepCallback | None = None) -> SnapshotResult:
    step = on_step or (lambda _msg: None)
    snapshot_dir = Path(snapshot_dir)
    if not snapshot_dir.is_dir():
        raise UnreadableFileError("the snapshot folder does not exist",
                                  "give a folder like data/raw/2016-05-31 holding entities.* and positions.*",
                                  snapshot_dir)
    snapshot = paths.snapshot_name(snapshot_dir)
    series = read_series(snapshot_dir)  # a bad series.json stops here, before any work
    files = discover_files(snapshot_dir)
    for path in unsupported_table_files(snapshot_dir):
        read_table(path, "positions")  # raises the format's own message (.xls: how to convert)
    for table in TABLES:
        if not files[table]:
            raise ContractError(
                f"no {table} file in the snapshot folder",
                f"add a CSV, XLSX or Parquet file whose name starts with "
                f"{' or '.join(TABLE_FILE_PREFIXES[table][:2])} (e.g. {table}.csv)", snapshot_dir)
    started = time.time()
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    step(f"entities: reading and validating {len(files['entities'])} file(s)")
    entities = ingest_table(files["entities"], "entities", None, sheet)
    known = entities.valid["entity_id"].unique().sort().to_list()
    timings["entities"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    step(f"positions: reading and validating {len(files['positions'])} file(s)")
    positions = ingest_table(files["positions"], "positions", known, sheet, entities=entities,
                             allow_default_key=read_series(snapshot_dir).is_synthetic)
    timings["positions"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    step("table-level checks (uniqueness, references, ranges)")
    staged = {"entities": _staging_frame(entities.valid, "entities"),
              "positions": _staging_frame(positions.valid, "positions")}
    checks = {"entities": table_report(staged["entities"], "entities", known),
              "positions": table_report(staged["positions"], "positions", known)}
    timings["table_checks"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    step("writing staging, quarantine and manifest")
    staging_final, quarantine_final = paths.staging_dir(snapshot), paths.quarantine_dir(snapshot)
    # Built outside data/staging so dbt's `staging/*/` glob never sees a half-written snapshot.
    work = paths.data_dir() / ".work"
    staging_tmp, quarantine_tmp = work / f"staging-{snapshot}", work / f"quarantine-{snapshot}"
    for tmp in (staging_tmp, quarantine_tmp):
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
    for table, result in (("entities", entities), ("positions", positions)):
        staged[table].write_parquet(staging_tmp / f"{table}.parquet", statistics=True)
        write_safe_csv(_truncate_long_cells(result.quarantined.select(
            "source_file", "source_row", "reason_code", "reason",
            pl.exclude("source_file", "source_row", "reason_code", "reason"))), quarantine_tmp / f"{table}.csv")
    reports = entities.reports + positions.reports
    (staging_tmp / "validation_report.json").write_text(json.dumps(redact_any(checks), indent=2, ensure_ascii=False))
    timings["write"] = time.perf_counter() - t0
    manifest_body = manifest.build_manifest(snapshot, snapshot_dir, [asdict(r) for r in reports], timings, started)
    (staging_tmp / "manifest.json").write_text(json.dumps(manifest_body, indent=2, ensure_ascii=False))
    write_series(staging_tmp, series)  # always written (defaults filled in): dbt reads the series from it
    swap_in(staging_tmp, staging_final)
    swap_in(quarantine_tmp, quarantine_final)
    return SnapshotResult(snapshot, reports, timings, staging_final, quarantine_final,
                          staging_final / "manifest.json", checks)


def validate_file(path: Path, table: str, sheet: str | None = None) -> tuple[FileReport, pl.DataFrame]:
    """Check one file against the contract without writing anything (the `validate` command).
    Positions are not checked against an entities file here (there is none)."""
    typed, written, report = load_file(Path(path), table, sheet)
    typed = with_name_key(linking.unchecked(typed) if table == "positions" else typed)
    valid, quarantined = validate_rows(typed, written, table, None)
    _count([report], valid, quarantined, typed, table)
    return report, quarantined
