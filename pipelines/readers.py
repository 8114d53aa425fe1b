"""Read one input file into a table of strings, whatever its format.

Everything is read as text: typing and normalization happen later in one place
(`pipelines.normalize`), so a CSV, an Excel sheet and a Parquet file go through the same rules.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.contract import fold, header_aliases
from pipelines.discovery import SUPPORTED_SUFFIXES
from pipelines.errors import UnreadableFileError

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
# Title rows above the header are common in exported spreadsheets; look this far down.
_HEADER_SEARCH_ROWS = 30


@dataclass
class RawTable:
    """A file's rows as strings, with the facts a reader needs to explain what it did."""

    frame: pl.DataFrame  # original headers, all Utf8
    file_format: str
    header_row: int  # 1-based row of the header line, as a spreadsheet shows it
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_table(path: Path, table: str, sheet: str | None = None) -> RawTable:
    if not path.exists():
        raise UnreadableFileError("the file does not exist", "check the path", path)
    if path.stat().st_size == 0:
        raise UnreadableFileError("the file is empty (0 bytes)",
                                  "export the registry again; the file has no header and no rows", path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path, table, sheet)
    if suffix == ".parquet":
        return _read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    raise UnreadableFileError(
        f"'{suffix}' is not a supported file type",
        f"save the table as one of {', '.join(SUPPORTED_SUFFIXES)} (old .xls: open and save as .xlsx)", path)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise UnreadableFileError(
            "the file holds binary data, not text (NUL bytes found); it is not a CSV",
            "export the table again as CSV (UTF-8 or Latin-1), or as .xlsx/.parquet with that extension",
            path)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
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
    controls = sum(1 for ch in text[:_SNIFF_BYTES] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(10, len(text[:_SNIFF_BYTES]) // 100) or text.count("\ufffd") > len(text) // 100 + 5:
        raise UnreadableFileError(
            "the file is not readable text in UTF-8 or Latin-1/cp1252 (binary or unknown encoding)",
            "export the table again as CSV in UTF-8 or Latin-1", path)
    return text, "cp1252"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:_SNIFF_BYTES].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One-column files or odd quoting: pick the delimiter that appears most on the header line.
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    text, encoding = _decode(data, path)
    # Hand polars UTF-8 bytes: the original ones when they already are (no second copy).
    payload = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode("utf-8")
    # (cp1252 and repaired UTF-8 are re-encoded from the decoded text)
    if not text.strip():
        raise UnreadableFileError("the file holds only blank space",
                                  "export the registry again with its header row", path)
    delimiter = _sniff_delimiter(text)
    try:
        frame = pl.read_csv(
            io.BytesIO(payload),
            separator=delimiter,
            infer_schema=False,
            has_header=True,
            raise_if_empty=True,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError) as exc:
        first_line = str(exc).strip().splitlines()[0][:300]
        raise UnreadableFileError(
            f"the CSV cannot be parsed with delimiter {delimiter!r}: {first_line}",
            "check that every line has the same number of fields and that quotes are balanced", path) from exc
    frame = _drop_trailing_empty_rows(frame)
    return RawTable(frame, "csv", header_row=1, encoding=encoding, delimiter=delimiter)


def _read_excel(path: Path, table: str, sheet: str | None) -> RawTable:
    try:
        kwargs = {"sheet_name": sheet} if sheet else {"sheet_id": 1}
        # Keep empty rows (leading and in-between) so a grid index is the sheet row minus one:
        # header_row and source_row must match what the analyst sees in Excel.
        grid = pl.read_excel(path, has_header=False, infer_schema_length=0, drop_empty_rows=False,
                             read_options={"skip_rows": 0}, **kwargs)
    except pl.exceptions.NoDataError:
        grid = pl.DataFrame()  # an empty sheet: reported below
    except Exception as exc:  # fastexcel raises many types; all mean "not a readable workbook"
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        fix = (f"check that the sheet {sheet!r} exists" if sheet
               else "open the file in Excel/LibreOffice and save it again as .xlsx")
        raise UnreadableFileError(f"the workbook cannot be read: {detail}", fix, path) from exc
    if grid.height == 0:
        raise UnreadableFileError("the sheet is empty", "put the header row and the data on the first sheet, "
                                  "or name the sheet with --sheet", path)
    header_index = _find_header_row(grid, table)
    if header_index is None:
        raise UnreadableFileError(
            f"no header row found in the first {_HEADER_SEARCH_ROWS} rows "
            f"(no row names at least two {table} columns)",
            "make sure the sheet has a header row with the contract's column names", path)
    headers = _unique_headers(grid.row(header_index))
    body = _drop_trailing_empty_rows(grid.slice(header_index + 1))
    body.columns = headers
    # Drop fully empty columns without a header (Excel's formatting leftovers).
    keep = [h for h in headers if not (h.startswith("column_") and body[h].null_count() == body.height)]
    return RawTable(body.select(keep), "xlsx", header_row=header_index + 1, sheet=sheet or "(first sheet)")


def _find_header_row(grid: pl.DataFrame, table: str) -> int | None:
    known = set(header_aliases(table))
    for index in range(min(_HEADER_SEARCH_ROWS, grid.height)):
        cells = [fold(v) for v in grid.row(index) if v is not None]
        if sum(cell in known for cell in cells) >= 2:
            return index
    return None


def _drop_trailing_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank lines after the last row (Excel formatting, trailing newlines) are not rows. Blank rows
    in between are kept so every later row keeps its real row number."""
    if frame.height == 0 or frame.width == 0:
        return frame
    filled = frame.select(pl.any_horizontal(pl.all().cast(pl.Utf8).str.strip_chars().fill_null("") != ""))
    rows_with_data = filled.to_series().arg_true()
    return frame.head(int(rows_with_data.max()) + 1 if rows_with_data.len() else 0)


def _unique_headers(cells: tuple) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for position, cell in enumerate(cells):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column_{position + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # pyarrow/polars raise several types for corrupt files
        raise UnreadableFileError(f"the Parquet file cannot be read: {str(exc).splitlines()[0][:300]}",
                                  "write the file again (it may be truncated or not Parquet)", path) from exc
    # Dates and numbers become their text form so the same normalization applies to every format.
    frame = frame.with_columns(pl.all().cast(pl.Utf8, strict=False))
    return RawTable(frame, "parquet", header_row=1)
