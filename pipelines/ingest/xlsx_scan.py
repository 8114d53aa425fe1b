"""Read a worksheet's XML without the cell reader: how far it spans (checked against the caps
before any cell is loaded), the last row holding a value (the independent row count) and the
formula cells whose computed value is not stored.

Two ways, same answers: a fast one for the usual sheet (every row and cell carries its `r`
reference, no formulas): vectorized over the bytes, only the last rows parsed; and a general one
(ElementTree, cell by cell) for everything else.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from pipelines.errors import UnreadableFileError

# Caps on untrusted workbooks. A registry of every management position in Peru (~11,000 rows,
# ~1.4 million at the largest benchmark scale) is far below them.
MAX_SHEET_CELLS = 40_000_000  # rows x columns of a sheet's used range
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
FIX_BIG = "export the table as CSV, or split it; a registry of positions is far smaller"

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW_START = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_CELL_PREFIX = b'<c r="'


@dataclass
class SheetScan:
    """What the sheet's XML says, read without the cell reader."""

    last_value_row: int = 0  # last row with a non-blank value (1-based; 0: none)
    max_row: int = 0
    max_col: int = 0
    first_col: int = 0  # first column holding a value: the cell reader's column 0 (0: none)
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)  # (row, col), 1-based


def scan_sheet(archive: zipfile.ZipFile, part: str, name: str, blank_strings: set[int], stale: bool,
               path: Path) -> SheetScan:
    with archive.open(part) as handle:
        head = handle.read(4096)
    dimension = _DIMENSION.search(head)
    if dimension:
        check_extent(int(dimension.group(2)), column_number(dimension.group(1).decode()), name, path)
    data = archive.read(part)  # bounded: the zip directory's total was checked against the cap
    fast = scan_fast(data, blank_strings)
    scan = fast if fast is not None else scan_general(data, blank_strings, stale, name, path)
    check_extent(scan.max_row, scan.max_col, name, path)
    return scan


def scan_fast(data: bytes, blank_strings: set[int]) -> SheetScan | None:
    """None when the sheet needs the general scan (formulas, cells or rows without `r`, prefixes)."""
    rows, cells = data.count(b"<row "), data.count(b"<c ")
    if _FORMULA.search(data) or b"<c>" in data or data.count(b' r="') != rows + cells \
            or data.count(_CELL_PREFIX) != cells:
        return None
    scan = SheetScan()
    if cells == 0:
        return scan
    scan.max_col = _max_column(data)
    scan.max_row = int(_ROW_START.search(data, data.rfind(b"<row ")).group(1))
    end = len(data)
    while (start := data.rfind(b"<row ", 0, end)) != -1:  # from the last row up: usually one step
        match = _ROW_START.match(data, start)
        if match and _row_has_value(data[start:end], blank_strings):
            scan.last_value_row = int(match.group(1))
            break
        end = start
    return scan


def _max_column(data: bytes) -> int:
    """Largest column number among cell references, vectorized over the bytes."""
    arr = np.frombuffer(data, dtype=np.uint8)
    n = arr.size - len(_CELL_PREFIX) - 3
    hit = np.ones(n, dtype=bool)
    for offset, byte in enumerate(_CELL_PREFIX):
        hit &= arr[offset:offset + n] == byte
    at = np.flatnonzero(hit) + len(_CELL_PREFIX)
    a, b, c = (arr[at + k].astype(np.int64) for k in range(3))

    def letter(x: np.ndarray) -> np.ndarray:
        return (x >= 65) & (x <= 90)

    number = np.where(letter(b), np.where(letter(c), (a - 64) * 676 + (b - 64) * 26 + (c - 64),
                                          (a - 64) * 26 + (b - 64)), a - 64)
    return int(number.max())


def _row_has_value(row_xml: bytes, blank_strings: set[int]) -> bool:
    for cell in _CELL.finditer(row_xml):
        kind = _TYPE.search(cell.group(1) or b"")
        body = cell.group(2) or b""
        if kind and kind.group(1) == b"inlineStr":
            text = b"".join(_TEXT.findall(body))
        else:
            value = _VALUE.search(body)
            text = value.group(1) if value else b""
        plain = html.unescape(text.decode("utf-8", errors="replace")).strip()
        if not plain:
            continue
        if kind and kind.group(1) == b"s" and plain.isdigit() and int(plain) in blank_strings:
            continue
        return True
    return False


def scan_general(data: bytes, blank_strings: set[int], stale: bool, name: str, path: Path) -> SheetScan:
    scan = SheetScan()
    row_number, col_number = 0, 0
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    parser.feed(data)
    for event, node in parser.read_events():
        tag = node.tag
        if event == "start":
            if tag == f"{_NS}row":
                row_number = int(node.get("r") or row_number + 1)
                col_number = 0
            continue
        if tag == f"{_NS}c":
            ref = _CELL_REF.match(node.get("r") or "")
            if ref:
                col_number = column_number(ref.group(1))
                row_number = int(ref.group(2))
            else:
                col_number += 1
            scan.max_row, scan.max_col = max(scan.max_row, row_number), max(scan.max_col, col_number)
            _read_cell(node, row_number, col_number, scan, blank_strings, stale)
        elif tag == f"{_NS}row":
            check_extent(scan.max_row, scan.max_col, name, path)
            node.clear()
    parser.close()
    return scan


def _read_cell(node: ElementTree.Element, row: int, col: int, scan: SheetScan, blank_strings: set[int],
               stale: bool) -> None:
    kind = node.get("t", "n")
    value = node.find(f"{_NS}v")
    text = value.text if value is not None else None
    formula = node.find(f"{_NS}f") is not None
    if kind == "inlineStr":
        text = "".join(t.text or "" for t in node.iter(f"{_NS}t"))
    has_value = bool(text and text.strip()) and not (kind == "s" and text is not None and text.strip().isdigit()
                                                     and int(text) in blank_strings)
    if formula and (not has_value or stale):
        scan.formulas_without_value.append((row, col))
    if has_value or formula:
        scan.first_col = min(scan.first_col, col) if scan.first_col else col
    if has_value:
        scan.last_value_row = max(scan.last_value_row, row)


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def check_extent(rows: int, cols: int, name: str, path: Path) -> None:
    if rows > MAX_SHEET_ROWS or rows * cols > MAX_SHEET_CELLS:
        raise UnreadableFileError(
            f"sheet {name!r} spans {rows:,} rows x {cols:,} columns (limits: {MAX_SHEET_ROWS:,} rows, "
            f"{MAX_SHEET_CELLS:,} cells): refused before loading the cells", FIX_BIG, path)
