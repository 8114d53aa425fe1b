"""A worksheet whose data cells are written by polars expressions instead of cell by cell.

polars' `write_excel` hands xlsxwriter the frame as Python tuples, and xlsxwriter stores and then
writes every cell in Python: on the sample that is 1.6 million cells, ~4 s of CPU per snapshot,
most of the export. `FastSheet` keeps xlsxwriter for everything else (header, table, styles,
shared strings, the package) and produces the same `<row>`/`<c>` XML for the data cells from the
frame with vectorized string expressions, so the workbook's bytes do not change. What it does not
know how to write the same way (another dtype, NaN or infinity, a cell without a format, strings
Excel would truncate, dates before March 1900) it leaves to xlsxwriter, as before.
"""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
_EXCEL_EPOCH = datetime.date(1899, 12, 31)  # xlsxwriter's epoch (1900 date system)
_LEAP_BUG_SERIAL = 59  # Excel counts 1900-02-29: serials after it are one more (as xlsxwriter does)
_MAX_EXACT_INT = 10**16  # below it, xlsxwriter's '{:.16G}' of an integer is its decimal digits
_MAX_SHARED_STRING = 32767 // 2  # xlsxwriter truncates longer strings (UTF-16 units): left to it


class FastSheet(Worksheet):
    """Set `frame` (the frame polars will write) before `write_excel`; the rest is as Worksheet."""

    def __init__(self) -> None:
        super().__init__()
        self.frame: pl.DataFrame | None = None
        # The frame with shared string indexes in its text columns, those columns, formats, first row.
        self._data_rows: tuple[pl.DataFrame, set[str], list[Any], int] | None = None

    def add_table(self, first_row: int, first_col: int, last_row: int, last_col: int,
                  options: dict[str, Any] | None = None) -> Any:
        options = dict(options or {})
        frame = self.frame
        formats = [(c or {}).get("format") for c in options.get("columns", [])]
        if (frame is None or "data" not in options or frame.is_empty() or (first_row, first_col) != (0, 0)
                or not options.get("header_row", True) or options.get("total_row")
                or len(formats) != frame.width or any(f is None for f in formats) or not _supported(frame)):
            return super().add_table(first_row, first_col, last_row, last_col, options)
        options.pop("data")
        status = super().add_table(first_row, first_col, last_row, last_col, options)  # header, table
        self._check_dimensions(last_row, last_col)  # what writing the last data cell would record
        texts = {name for name, dtype in frame.schema.items() if dtype == pl.String}
        self._data_rows = (_with_string_indexes(frame, texts, self.str_table), texts, formats, first_row + 1)
        return status

    def _write_rows(self) -> None:
        if self._data_rows is None:
            super()._write_rows()
            return
        frame, texts, formats, first_data_row = self._data_rows
        # The header row through xlsxwriter; its 16-row span block holds every column either way.
        last = self.dim_rowmax
        self.dim_rowmax = first_data_row - 1
        try:
            super()._write_rows()
        finally:
            self.dim_rowmax = last
        # xf indexes are numbered on first use, cell by cell: the first data row uses each column's
        # format left to right, as xlsxwriter's own loop would.
        styles = [f._get_xf_index() for f in formats]
        self.fh.write(_rows_xml(frame, texts, styles, first_data_row + 1))


def _supported(frame: pl.DataFrame) -> bool:
    """Only dtypes and values whose XML this module writes exactly as xlsxwriter would."""
    checks: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.String:
            checks.append(column.str.len_chars().max().fill_null(0) <= _MAX_SHARED_STRING)
        elif dtype.is_float():
            checks.append(column.is_finite().all(ignore_nulls=True))
        elif dtype in _INTEGERS:
            checks.append(column.abs().max().fill_null(0) < _MAX_EXACT_INT)
        elif dtype == pl.Date:
            first = _EXCEL_EPOCH + datetime.timedelta(days=_LEAP_BUG_SERIAL + 1)
            checks.append(column.min().fill_null(first) >= first)
        elif dtype != pl.Boolean:
            return False
    return all(frame.select(checks).row(0)) if checks else True


def _with_string_indexes(frame: pl.DataFrame, texts: set[str], table: Any) -> pl.DataFrame:
    """Each text cell's index in the workbook's shared string table, registered as xlsxwriter does:
    in row-major order, new strings numbered on first sight, every cell counted; '' is a blank."""
    if not texts:
        return frame
    ordered = [name for name in frame.columns if name in texts]  # row-major: left to right
    cells = (frame.select(pl.concat_list(ordered).alias("text")).explode("text")
             .filter(pl.col("text").is_not_null() & (pl.col("text") != ""))["text"])
    known = table.string_table
    for text in cells.unique(maintain_order=True).to_list():  # one call per distinct text, not per cell
        if text not in known:
            known[text] = table.unique_count
            table.unique_count += 1
    table.count += cells.len()
    index = {text: known[text] for text in cells.unique().to_list()}
    return frame.with_columns(
        pl.col(name).replace_strict(index, default=None, return_dtype=pl.Int64).alias(name) for name in texts)


def _number_text(column: pl.Expr, dtype: pl.DataType, values: pl.Series) -> pl.Expr:
    """The number as xlsxwriter writes it ('{:.16G}')."""
    if dtype.is_float():
        # No polars format matches Python's '.16G': each distinct value is formatted once.
        distinct = values.drop_nulls().unique().to_list()
        return column.replace_strict({v: format(v, ".16G") for v in distinct}, default=None,
                                     return_dtype=pl.String)
    return column.cast(pl.String)


def _rows_xml(frame: pl.DataFrame, texts: set[str], styles: list[int], first_row: int) -> str:
    width = frame.width
    row = pl.int_range(first_row, first_row + frame.height, eager=False).cast(pl.String)
    cells: list[pl.Expr] = []
    for position, (name, dtype) in enumerate(frame.schema.items()):
        column = pl.col(name)
        start = pl.concat_str(pl.lit(f'<c r="{xl_col_to_name(position)}'), row, pl.lit(f'" s="{styles[position]}"'))
        if name in texts:  # now the shared string's index
            value, kind = column.cast(pl.String), ' t="s"'
        elif dtype == pl.Boolean:
            value, kind = column.cast(pl.Int8).cast(pl.String), ' t="b"'
        elif dtype == pl.Date:
            days = (column - pl.lit(_EXCEL_EPOCH)).dt.total_days()
            value, kind = pl.when(days > _LEAP_BUG_SERIAL).then(days + 1).otherwise(days).cast(pl.String), ""
        else:
            value, kind = _number_text(column, dtype, frame[name]), ""
        cells.append(pl.when(value.is_null()).then(pl.concat_str(start, pl.lit("/>")))
                     .otherwise(pl.concat_str(start, pl.lit(f"{kind}><v>"), value, pl.lit("</v></c>"))))
    xml = frame.select(pl.concat_str(pl.lit('<row r="'), row, pl.lit(f'" spans="1:{width}">'), *cells,
                                     pl.lit("</row>")).alias("xml"))["xml"]
    return "".join(xml.to_list())
