"""Writing CSV that a spreadsheet cannot execute.

A cell starting with = + - @ is a formula to Excel/LibreOffice (CSV injection). Such text is
kept in the data and prefixed with an apostrophe only when written to CSV; plain numbers like
-50 are left alone.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

# A cell starting with one of these characters is a formula to a spreadsheet (tab and carriage
# return too: some spreadsheets drop them and run what follows). The export's DuckDB COPY tests
# them as code points (pipelines.build.export_rows); polars runs the same set as a regex.
FORMULA_FIRST_CHARACTERS = "=+-@\t\r"
_FORMULA_START = "^[" + FORMULA_FIRST_CHARACTERS.replace("-", r"\-") + "]"
# A signed number is data, not a formula; "+51 999" (a space) is not a plain number.
_PLAIN_NUMBER = r"^[+\-]?\d+([.,]\d+)*$"


def neutralize(frame: pl.DataFrame) -> pl.DataFrame:
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START) & ~pl.col(c).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_columns
    )


def write_safe_csv(frame: pl.DataFrame, path: Path) -> None:
    neutralize(frame).write_csv(path)
