"""Read one input file into a table of strings, whatever its format.

Everything is read as text: typing and normalization happen later in one place
(`pipelines.ingest.normalize`), so a CSV, an Excel sheet and a Parquet file go through the same rules.

Every reader also counts the file's rows without its parser (CSV: records from the bytes;
XLSX: rows with a value in the sheet's XML; Parquet: the row count in the file's footer) and
stops when the two disagree: a row is never lost without a message. Problems of one row (too few
or too many fields, NUL bytes, a formula without a value, a value that is not text) travel with
the table as `issues`, and the row is quarantined with that reason.
CSV records are counted in `pipelines.ingest.csv_records`, encodings settled in
`pipelines.ingest.text_encoding` (a large UTF-8 file is read from disk, never held whole);
workbooks are read by `pipelines.ingest.xlsx`.
"""

from __future__ import annotations

import csv
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.errors import UnreadableFileError
from pipelines.ingest.contract import header_aliases, header_key
from pipelines.ingest.csv_records import (
    count_file_records,
    count_records,
    first_line_with_odd_quotes,
)
from pipelines.ingest.discovery import SUPPORTED_SUFFIXES
from pipelines.ingest.raw_table import ISSUE_SCHEMA, RawTable, drop_trailing_empty_rows
from pipelines.ingest.text_encoding import SNIFF_BYTES, head_bytes, readable_from_disk, utf8_payload
from pipelines.ingest.xlsx import read_workbook

_DELIMITERS = ",;\t|"
# Title rows above the header are common in exported spreadsheets; look this far down.
_HEADER_SEARCH_ROWS = 30
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other old Office files
_ZIP_MAGIC = b"PK\x03\x04"
_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)
_OLD_EXCEL_FIX = ("it is the old Excel 97-2003 format (.xls): open it in Excel or LibreOffice and "
                  "'Save as' Excel Workbook (.xlsx), or CSV UTF-8; then put that file in the folder instead")

def read_table(path: Path, table: str, sheet: str | None = None) -> RawTable:
    if not path.exists():
        raise UnreadableFileError("the file does not exist", "check the path", path)
    if path.stat().st_size == 0:
        raise UnreadableFileError("the file is empty (0 bytes)",
                                  "export the registry again; the file has no header and no rows", path)
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE2_MAGIC or suffix == ".xls":
        raise UnreadableFileError("the file is an old binary Office file, not CSV/XLSX/Parquet", _OLD_EXCEL_FIX, path)
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(path, table, sheet)
    if suffix == ".parquet":
        return _read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv"):
        if magic.startswith(_ZIP_MAGIC):
            raise UnreadableFileError("the file is a zip archive (probably an .xlsx workbook), not a CSV",
                                      "give it its real extension (.xlsx), or export the sheet as CSV", path)
        return _read_csv(path, table)
    raise UnreadableFileError(
        f"'{suffix}' is not a supported file type",
        f"save the table as one of {', '.join(SUPPORTED_SUFFIXES)} (old .xls: open and save as .xlsx)", path)


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One-column files or odd quoting: pick the delimiter that appears most on the header line.
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _find_csv_header(lines: list[str], table: str) -> tuple[int, str] | None:
    """(index among `lines`, delimiter) of the first line naming at least two of the table's columns."""
    known = header_aliases(table)
    for index, line in enumerate(lines[:_HEADER_SEARCH_ROWS]):
        for delimiter in _DELIMITERS:
            cells = [c.strip().strip('"') for c in line.split(delimiter)]
            if sum(header_key(c) in known for c in cells if c) >= 2:
                return index, delimiter
    return None


def _read_csv(path: Path, table: str) -> RawTable:
    payload: bytes | None
    if readable_from_disk(path):
        payload, encoding, head = None, "utf-8", head_bytes(path)
    else:
        payload, encoding = utf8_payload(path)
        head = payload[:SNIFF_BYTES]
    head_lines = head.decode("utf-8", errors="replace").split("\n")
    notes: list[str] = []
    skip, forced = 0, None
    if head_lines and (sep := _SEP_LINE.match(head_lines[0])):
        skip, forced = 1, sep.group(1)
        notes.append(f"line 1 ('sep={forced}', an Excel hint) skipped")
    found = _find_csv_header(head_lines[skip:], table)
    if found is not None:
        index, guessed = found
        if index:
            notes.append(f"title line(s) {skip + 1}-{skip + index} above the header skipped")
        skip += index
        delimiter = forced or guessed
    else:
        delimiter = forced or _sniff_delimiter([ln for ln in head_lines[skip:] if ln.strip()])
    if skip and payload is None:
        payload = path.read_bytes()  # lines above the header are cut from the bytes
    body = payload.split(b"\n", skip)[-1] if skip and payload is not None else payload
    return _parse_csv(path, body, delimiter, encoding, skip, notes)


def _parse_csv(path: Path, body: bytes | None, delimiter: str, encoding: str, lines_before: int,
               notes: list[str]) -> RawTable:
    """`body`: the bytes after the lines skipped, or None to read the file itself from disk."""
    # The records are counted in a second thread while polars parses: numpy and polars release the
    # GIL, so on two cores the count (single-threaded) no longer adds its time to the parse's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(count_records, body, delimiter) if body is not None else pool.submit(
            count_file_records, path, delimiter)
        try:
            frame: pl.DataFrame | None = pl.read_csv(
                body if body is not None else path, separator=delimiter, infer_schema=False,
                has_header=True, raise_if_empty=True, truncate_ragged_lines=True)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # polars errors (and Rust panics, BaseExceptions): said below
            frame = None
        records = counting.result()
    if records.unclosed_quote:  # said before a parse error: it is the cause
        raise UnreadableFileError(
            _quote_problem(body, path, lines_before, "a quote (\") opens a field that never closes: every line "
                           "after it would be read as one value"),
            "close the quote, or double a quote that is part of the text (\"\"); then export again", path)
    header_line = int(records.lines[0]) + lines_before if len(records) else lines_before + 1
    if frame is None:
        # polars' message quotes the row: never shown (it may hold a DNI or a name), nor chained.
        raise UnreadableFileError(_quote_problem(body, path, lines_before, f"the CSV cannot be parsed with delimiter "
                                                 f"{delimiter!r}"),
                                  "check that quotes are balanced (a field with a quote inside must be "
                                  "quoted and the quote doubled: \"\")", path)
    counted = max(0, len(records) - 1)  # every record after the header, blank lines included
    if counted != frame.height:
        raise UnreadableFileError(
            _quote_problem(body, path, lines_before, f"the file holds {counted:,} data record(s) by its line endings "
                           f"and quotes, but the CSV parser read {frame.height:,} row(s)"),
            "check the quotes around that line (every opened quote must close on the same field) and "
            "export the file again", path)
    frame = drop_trailing_empty_rows(frame)  # blank lines at the end are not rows (in between they are)
    counted = frame.height
    width = frame.width
    rows = slice(1, counted + 1)
    lines = records.lines[rows] + lines_before
    fields = records.fields[rows]
    content = records.has_content[rows]
    nul = records.has_nul[rows]
    issues = pl.DataFrame({
        "row": np.arange(counted, dtype=np.uint32), "line": lines, "fields": fields, "content": content, "nul": nul,
    }).select(
        "row",
        pl.when(pl.col("nul")).then(pl.lit("nul_byte"))
        .when(pl.col("content") & (pl.col("fields") < width)).then(pl.lit("too_few_fields"))
        .when(pl.col("content") & (pl.col("fields") > width)).then(pl.lit("too_many_fields"))
        .alias("reason_code"),
        pl.lit(None, pl.Utf8).alias("column"), "line", "fields",
    ).filter(pl.col("reason_code").is_not_null())
    # Said with thousands separators (line 1,234,567), so the redaction never takes it for an ID.
    issues = issues.with_columns(pl.Series("detail", [
        f"line {line:,} has {n:,} field(s), the header {width:,}" for line, n in issues.select("line", "fields").rows()
    ], dtype=pl.Utf8)).drop("line", "fields")
    if nul.any():
        frame = frame.with_columns(pl.all().str.replace_all("\x00", "\ufffd", literal=True))
    return RawTable(frame, "csv", header_row=header_line, encoding=encoding, delimiter=delimiter,
                    rows_counted=counted, source_rows=pl.Series("source_row", lines, dtype=pl.Int64),
                    issues=issues.cast(ISSUE_SCHEMA), notes=notes)


def _quote_problem(body: bytes | None, path: Path, lines_before: int, problem: str) -> str:
    line = first_line_with_odd_quotes(body if body is not None else path.read_bytes())
    if line is None:
        return problem
    return f"{problem}; line {line + lines_before:,} has an unclosed or stray quote (\")"


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        in_footer = pq.read_metadata(path).num_rows
        frame = pl.read_parquet(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyarrow/polars raise several types for corrupt files, a Rust panic included
        raise UnreadableFileError("the Parquet file cannot be read (truncated, corrupt or not Parquet)",
                                  "write the file again", path) from None
    if frame.height != in_footer:
        raise UnreadableFileError(f"the Parquet footer says {in_footer:,} rows but {frame.height:,} were read",
                                  "write the file again (it may be truncated)", path)
    # Dates and numbers become their text form so the same normalization applies to every format;
    # a value with no text form (list, struct, binary) is not silently emptied: its row is flagged.
    texts = frame.select(
        pl.lit(None, pl.Utf8).alias(name) if dtype.is_nested() or dtype in (pl.Binary, pl.Object)
        else pl.col(name).cast(pl.Utf8, strict=False)
        for name, dtype in frame.schema.items())
    issues = [
        pl.DataFrame({"row": (frame[name].is_not_null() & texts[name].is_null()).arg_true().cast(pl.UInt32)})
        .with_columns(pl.lit("unsupported_value").alias("reason_code"), pl.lit(name).alias("column"),
                      pl.lit(f"{name} holds a {frame.schema[name]} value, not one text, number or date")
                      .alias("detail"))
        for name in frame.columns
    ]
    table = RawTable(texts, "parquet", header_row=1, rows_counted=in_footer)
    found = [i for i in issues if i.height]
    if found:
        table.issues = pl.concat([i.cast(ISSUE_SCHEMA) for i in found])
    return table
