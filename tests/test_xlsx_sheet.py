"""FastSheet writes the same workbook bytes as polars' write_excel cell by cell through xlsxwriter."""

from __future__ import annotations

import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.build.xlsx_sheet import FastSheet

CREATED = datetime.datetime(2016, 1, 1)


def _frames() -> dict[str, pl.DataFrame]:
    first = pl.DataFrame({
        "snapshot": ["2016-05-31", "2016-05-31", None, ""],
        "title": ["  Jefe de Oficina", "Director <General> & Co", "Jefe de Oficina", "'=1+1"],
        "count": [3, None, -7, 1_234_567_890],
        "big": [12_345_678_901, 0, None, -1],
        "share": [0.1 + 0.2, None, 1e-5, 141139792.0],
        "ratio": [-0.0, 2.5e20, 1 / 3, 123456.7891],
        "flag": [True, False, None, True],
        "date": [datetime.date(2016, 5, 31), None, datetime.date(1900, 3, 1), datetime.date(2025, 1, 31)],
    }, schema_overrides={"count": pl.Int32})
    # The second sheet repeats some texts of the first: shared strings are numbered across sheets.
    second = pl.DataFrame({"text": ["Director <General> & Co", "nuevo", "nuevo", None] * 9,
                           "n": list(range(36))})
    empty = pl.DataFrame(schema={"a": pl.String, "b": pl.Int64})
    return {"mart_a": first, "mart_b": second, "mart_c": empty}


FAST_SHEETS: list[FastSheet] = []


def _write(path: Path, frames: dict[str, pl.DataFrame], fast: bool) -> bytes:
    FAST_SHEETS.clear()
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"created": CREATED})
    for name, frame in frames.items():
        if fast:
            sheet = workbook.add_worksheet(name, worksheet_class=FastSheet)
            sheet.frame = frame
            FAST_SHEETS.append(sheet)
            frame.write_excel(workbook=workbook, worksheet=sheet, autofit=False)
        else:
            frame.write_excel(workbook=workbook, worksheet=name, autofit=False)
    workbook.close()
    return path.read_bytes()


def test_fast_sheet_writes_the_same_bytes_as_xlsxwriter(tmp_path: Path) -> None:
    frames = _frames()
    fast = _write(tmp_path / "fast.xlsx", frames, fast=True)
    # The two sheets with rows took the vectorized path (the empty one is left to xlsxwriter).
    assert [sheet._data_rows is not None for sheet in FAST_SHEETS] == [True, True, False]
    assert fast == _write(tmp_path / "slow.xlsx", frames, fast=False)


def test_fast_sheet_values_read_back(tmp_path: Path) -> None:
    _write(tmp_path / "fast.xlsx", _frames(), fast=True)
    back = pl.read_excel(tmp_path / "fast.xlsx", sheet_name="mart_b")
    assert back["text"].to_list()[:4] == ["Director <General> & Co", "nuevo", "nuevo", None]
    assert back["n"].to_list() == list(range(36))


def test_what_fast_sheet_cannot_write_goes_through_xlsxwriter(tmp_path: Path) -> None:
    # NaN: xlsxwriter refuses it without nan_inf_to_errors; the fast path must not write it silently.
    frames = {"mart_nan": pl.DataFrame({"x": [1.0, float("nan")]})}
    with pytest.raises(TypeError, match="NAN/INF"):
        _write(tmp_path / "fast.xlsx", frames, fast=True)
