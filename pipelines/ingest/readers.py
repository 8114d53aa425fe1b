"""Read one input file into a table of strings, whatever its format.

Everything is read as text: typing and normalization happen later in one place
(`pipelines.ingest.normalize`), so a CSV, an Excel sheet and a Parquet file go through the same rules.

Every reader also counts the file's rows without its parser (CSV: records from the bytes;
XLSX: rows with a value in the sheet's XML; Parquet: the row count in the file's footer) and
stops when the two disagree: a row is never lost without a message. Problems of one row (too few
or too many fields, NUL bytes, a formula without a value, a value that is not text) travel with
the table as `issues`, and the row is quarantined with that reason.
CSV records are counted in `pipelines.ingest.csv_records`; workbooks are read by `pipelines.ingest.xlsx`.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.errors import UnreadableFileError
from pipelines.ingest.contract import header_aliases, header_key
from pipelines.ingest.csv_records import count_records, first_line_with_odd_quotes, normalize_line_endings
from pipelines.ingest.discovery import SUPPORTED_SUFFIXES
from pipelines.ingest.raw_table import ISSUE_SCHEMA, RawTable, drop_trailing_empty_rows
from pipelines.ingest.xlsx import read_workbook

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
_DECODE_BYTES = 16 * 2**20  # UTF-8 is checked in pieces this large
_NOT_BLANK_BYTE = re.compile(rb"[^\s\x00\x1c-\x1f]")
# Title rows above the header are common in exported spreadsheets; look this far down.
_HEADER_SEARCH_ROWS = 30
# A text file may hold a stray NUL byte (row quarantined); more than this share of NULs, or other
# control characters, means binary data.
_MAX_NUL_SHARE = 0.001
_MAX_STRAY_NULS = 8
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


def _check_utf8(data: memoryview) -> None:
    """Raise UnicodeDecodeError unless `data` is UTF-8; decoded in pieces, never held whole as text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(data), _DECODE_BYTES):
        decoder.decode(data[offset:offset + _DECODE_BYTES], final=False)
    decoder.decode(b"", final=True)


def _has_text(data: bytes) -> bool:
    """Anything but whitespace and NUL bytes (str.isspace's whitespace, as str.strip removes it)."""
    at = 0
    while (found := _NOT_BLANK_BYTE.search(data, at)) is not None:
        if data[found.start()] < 0x80:
            return True
        char = data[found.start():found.start() + 4].decode("utf-8", errors="replace")[:1]
        if not char.isspace():
            return True
        at = found.start() + len(char.encode("utf-8"))
    return False


def _decode(data: bytes, path: Path) -> tuple[str | None, str]:
    """(text, encoding); text is None when the bytes are UTF-8 already (read as they are)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark (usually tab-separated).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFileError(
                "the file starts like UTF-16 text (byte-order mark) but does not decode as UTF-16",
                "export the table again as CSV UTF-8", path) from None
    sample = data[:_SNIFF_BYTES]
    nuls = sample.count(b"\x00")
    if nuls and max(sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")) > len(sample) // 4:
        raise UnreadableFileError(
            "the file looks like UTF-16 text without a byte-order mark (every other byte is NUL)",
            "in Excel use 'Save as' CSV UTF-8 (or 'Unicode text', which carries the mark); "
            "or convert it: iconv -f UTF-16LE -t UTF-8", path)
    other_controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 13))
    if nuls and (nuls > max(_MAX_STRAY_NULS, len(sample) * _MAX_NUL_SHARE) or other_controls > len(sample) // 200):
        raise UnreadableFileError(
            "the file holds binary data, not text (NUL bytes found); it is not a CSV",
            "export the table again as CSV (UTF-8 or Latin-1), or as .xlsx/.parquet with that extension",
            path)
    if data.startswith(b"\xef\xbb\xbf"):
        _check_utf8(memoryview(data)[3:])  # a BOM then bytes that are not UTF-8: an error, as before
        return None, "utf-8-sig"
    try:
        _check_utf8(memoryview(data))
        return None, "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 export with a few stray bytes must not be decoded whole as cp1252 (every accent
    # would turn into 'Ã³'): when valid multi-byte characters outnumber the bad bytes, keep UTF-8
    # and mark the bad bytes with U+FFFD, saying so in the encoding reported.
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good_multibyte = sum(1 for ch in as_utf8 if ord(ch) > 127) - bad
    if good_multibyte > bad:
        return as_utf8, f"utf-8 ({bad} undecodable byte(s) replaced with \ufffd)"
    # Peruvian exports from Windows tools are usually cp1252; it is a superset of Latin-1
    # for printable text. Reject files where too much decodes to control characters.
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:_SNIFF_BYTES] if ord(ch) < 32 and ch not in "\r\n\t\x00")
    if controls > max(10, len(text[:_SNIFF_BYTES]) // 100) or text.count("\ufffd") > len(text) // 100 + 5:
        raise UnreadableFileError(
            "the file is not readable text in UTF-8 or Latin-1/cp1252 (binary or unknown encoding)",
            "export the table again as CSV in UTF-8 or Latin-1", path)
    return text, "cp1252"


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
    data = path.read_bytes()
    text, encoding = _decode(data, path)
    if not (_has_text(data) if text is None else text.strip().strip("\x00")):
        raise UnreadableFileError("the file holds only blank space",
                                  "export the registry again with its header row", path)
    # Hand polars and the record counter the same UTF-8 bytes with LF line endings (CR-only files
    # from old Excel for Mac would otherwise read as one line).
    if text is not None:
        payload = text.encode("utf-8")
        del text
    else:
        payload = data[3:] if encoding == "utf-8-sig" else data
    del data
    payload = normalize_line_endings(payload)
    head_lines = payload[:_SNIFF_BYTES].decode("utf-8", errors="replace").split("\n")
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
    body = payload.split(b"\n", skip)[-1] if skip else payload
    return _parse_csv(path, body, delimiter, encoding, skip, notes)


def _parse_csv(path: Path, body: bytes, delimiter: str, encoding: str, lines_before: int,
               notes: list[str]) -> RawTable:
    records = count_records(body, delimiter)
    if records.unclosed_quote:
        raise UnreadableFileError(
            _quote_problem(body, lines_before, "a quote (\") opens a field that never closes: every line after it "
                           "would be read as one value"),
            "close the quote, or double a quote that is part of the text (\"\"); then export again", path)
    header_line = int(records.lines[0]) + lines_before if len(records) else lines_before + 1
    try:
        frame = pl.read_csv(body, separator=delimiter, infer_schema=False, has_header=True,
                            raise_if_empty=True, truncate_ragged_lines=True)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # polars errors (and Rust panics, BaseExceptions)
        # polars' message quotes the row: never shown (it may hold a DNI or a name), nor chained.
        raise UnreadableFileError(_quote_problem(body, lines_before, f"the CSV cannot be parsed with delimiter "
                                                 f"{delimiter!r}"),
                                  "check that quotes are balanced (a field with a quote inside must be "
                                  "quoted and the quote doubled: \"\")", path) from None
    counted = max(0, len(records) - 1)  # every record after the header, blank lines included
    if counted != frame.height:
        raise UnreadableFileError(
            _quote_problem(body, lines_before, f"the file holds {counted:,} data record(s) by its line endings "
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


def _quote_problem(body: bytes, lines_before: int, problem: str) -> str:
    line = first_line_with_odd_quotes(body)
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
