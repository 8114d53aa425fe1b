"""What a reader returns: a file's rows as text, plus what it counted, skipped and found wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

_TAIL_ROWS = 1_024  # first window of trailing rows looked at for blank lines
ISSUE_SCHEMA = {"row": pl.UInt32, "reason_code": pl.Utf8, "column": pl.Utf8, "detail": pl.Utf8}


@dataclass
class RawTable:
    """A file's rows as strings, with the facts a reader needs to explain what it did."""

    frame: pl.DataFrame  # original headers, all Utf8
    file_format: str
    header_row: int  # 1-based row of the header line, as a spreadsheet shows it
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows_counted: int | None = None  # rows counted without the parser (equal to frame.height)
    source_rows: pl.Series | None = None  # per row: line (CSV) or sheet row (XLSX) where it starts
    source_sheets: pl.Series | None = None  # per row: its sheet (XLSX)
    issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))
    notes: list[str] = field(default_factory=list)  # what the reader skipped or decided, said once
    sheets: list[dict] = field(default_factory=list)  # XLSX: name, header_row, rows of each sheet read


def drop_trailing_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank lines after the last row (Excel formatting, trailing newlines) are not rows. Blank rows
    in between are kept so every later row keeps its real row number. Looks at the last rows
    first (growing the window), so a large file is not scanned whole for a few blank lines."""
    if frame.height == 0 or frame.width == 0:
        return frame
    window = _TAIL_ROWS
    while True:
        start = max(0, frame.height - window)
        filled = frame.slice(start).select(
            pl.any_horizontal(pl.all().cast(pl.Utf8).str.strip_chars().fill_null("") != ""))
        rows_with_data = filled.to_series().arg_true()
        if rows_with_data.len() or start == 0:
            return frame.head(start + int(rows_with_data.max()) + 1 if rows_with_data.len() else 0)
        window *= 16
