"""Read an .xlsx workbook: every sheet that has the table's header, within bounded resources.

Before any cell is loaded, the zip directory and each sheet's XML are checked against the caps
below, so a zip bomb (a few MB that expand to gigabytes, or one cell at XFD1048576 that makes the
reader allocate the whole grid) stops with a message instead of exhausting memory. The XML scan
also counts the rows holding a value, independently of the cell reader, and finds formula cells
whose computed value is not in the file (written by a script and never opened in Excel).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import polars as pl

from pipelines.errors import UnreadableFileError
from pipelines.ingest.contract import header_aliases, header_key
from pipelines.ingest.raw_table import ISSUE_SCHEMA, RawTable, drop_trailing_empty_rows
from pipelines.ingest.xlsx_scan import FIX_BIG, MAX_SHEET_CELLS, MAX_SHEET_ROWS, SheetScan, scan_sheet  # noqa: F401

# Caps on untrusted workbooks (with MAX_SHEET_ROWS and MAX_SHEET_CELLS of pipelines.ingest.xlsx_scan).
# A registry of every management position in Peru (~11,000 rows) is far below them.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # sum of every part of the zip, from its directory
# Title rows above the header are common in exported spreadsheets; look this far down.
HEADER_SEARCH_ROWS = 30

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def read_workbook(path: Path, table: str, sheet: str | None) -> RawTable:
    archive = _open(path)
    try:
        with archive:
            _check_size(archive, path)
            sheets = _sheet_parts(archive, path)
            if sheet is not None and sheet not in sheets:
                raise UnreadableFileError(f"the workbook has no sheet named {sheet!r}; its sheets: {_names(sheets)}",
                                          "give one of those names to --sheet", path)
            chosen = [sheet] if sheet is not None else list(sheets)
            blank_strings = _blank_shared_strings(archive)
            stale = _recalculated_on_open(archive)
            scans = {name: scan_sheet(archive, sheets[name], name, blank_strings, stale, path) for name in chosen}
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, ElementTree.ParseError) as exc:
        raise UnreadableFileError(f"the workbook is damaged ({type(exc).__name__} while reading its XML)",
                                  "open it in Excel or LibreOffice and save it again as .xlsx", path) from None
    parts: list[tuple[str, int, pl.DataFrame]] = []
    issues: list[pl.DataFrame] = []
    notes: list[str] = []
    read: list[dict] = []
    first_headers: dict[str, str] = {}
    for name in chosen:
        scan = scans[name]
        if scan.last_value_row == 0:
            notes.append(f"sheet {name!r} is empty: skipped")
            continue
        grid = _load_grid(path, name)
        header_index = _find_header_row(grid, table)
        if header_index is None:
            notes.append(f"sheet {name!r} has no {table} header row: skipped")
            continue
        headers = _unique_headers(grid.row(header_index))
        body = drop_trailing_empty_rows(grid.slice(header_index + 1))
        body.columns = headers
        header_row = header_index + 1
        counted = max(0, scan.last_value_row - header_row)
        if counted != body.height:
            raise UnreadableFileError(
                f"sheet {name!r}: {counted:,} data row(s) hold values in the file's XML but the cell reader "
                f"read {body.height:,}", "open the workbook in Excel or LibreOffice and save it again", path)
        late = [r for r, _ in scan.formulas_without_value if r > header_row + counted]
        if late:
            raise UnreadableFileError(
                f"sheet {name!r}, row {late[0]:,}: formula cells without a computed value below the last row",
                "open the workbook in Excel or LibreOffice and save it (values are computed on save), "
                "or delete those formulas", path)
        issues.append(_formula_issues(scan, header_row, headers, ISSUE_SCHEMA))
        # Later sheets may spell a header differently ('Código de Puesto' / 'position_id'): align on
        # the first sheet's spelling of the same contract column so the rows stack under one column.
        known = header_aliases(table)
        same = {h: known.get(header_key(h), header_key(h)) for h in headers}  # contract column (or key)
        renamed: dict[str, str] = {}
        for h in headers:
            target = first_headers.get(same[h], h)
            clash = target in renamed.values() or (target != h and target in headers)
            renamed[h] = h if clash else target
        for h in headers:
            first_headers.setdefault(same[h], h)
        body = body.rename(renamed)
        keep = [h for h in body.columns if not (h.startswith("column_") and body[h].null_count() == body.height)]
        parts.append((name, header_row, body.select(keep)))
        read.append({"sheet": name, "header_row": header_row, "rows": body.height})
    if not parts:
        if sheet is not None:
            raise UnreadableFileError(
                f"sheet {sheet!r} has no header row in its first {HEADER_SEARCH_ROWS} rows "
                f"(no row names at least two {table} columns)",
                "make sure the sheet has a header row with the contract's column names", path)
        if all(scans[n].last_value_row == 0 for n in chosen):
            raise UnreadableFileError("the sheet is empty" if len(chosen) == 1 else "every sheet is empty",
                                      "put the header row and the data on a sheet of the workbook", path)
        raise UnreadableFileError(
            f"no sheet has a {table} header row in its first {HEADER_SEARCH_ROWS} rows (no row names at least "
            f"two {table} columns); sheets: {_names(sheets)}",
            "make sure the data sheet has a header row with the contract's column names, or name it with --sheet",
            path)
    return _stack(parts, issues, notes, read)


def _stack(parts: list[tuple[str, int, pl.DataFrame]], issues: list[pl.DataFrame], notes: list[str],
           read: list[dict]) -> RawTable:
    """One table from the sheets read, each row keeping its sheet and its row in that sheet."""
    offsets = 0
    frames: list[pl.DataFrame] = []
    rows: list[pl.Series] = []
    sheets: list[pl.Series] = []
    shifted: list[pl.DataFrame] = []
    for (name, header_row, body), found in zip(parts, issues, strict=True):
        frames.append(body)
        rows.append(pl.int_range(header_row + 1, header_row + 1 + body.height, eager=True, dtype=pl.Int64))
        sheets.append(pl.repeat(name, body.height, eager=True, dtype=pl.Utf8))
        shifted.append(found.with_columns(pl.col("row") + offsets))
        offsets += body.height
    frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    first_header = parts[0][1]
    return RawTable(
        frame, "xlsx", header_row=first_header, sheet=", ".join(p[0] for p in parts), rows_counted=frame.height,
        source_rows=pl.concat(rows).alias("source_row"), source_sheets=pl.concat(sheets).alias("source_sheet"),
        issues=pl.concat(shifted), notes=notes, sheets=read)


def _formula_issues(scan: SheetScan, header_row: int, headers: list[str], schema: dict) -> pl.DataFrame:
    first = scan.first_col or 1  # the cell reader's grid starts at the first used column
    cells = [(r - header_row - 1, headers[c - first]) for r, c in scan.formulas_without_value
             if r > header_row and 0 <= c - first < len(headers)]
    return pl.DataFrame({
        "row": [r for r, _ in cells], "reason_code": ["formula_without_value"] * len(cells),
        "column": [h for _, h in cells],
        "detail": [f"{h} is a formula whose value is not stored in the file" for _, h in cells],
    }, schema=schema)


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFileError("the file is not a valid .xlsx workbook (not a zip archive, or truncated)",
                                  "open it in Excel or LibreOffice and save it again as .xlsx", path) from None


def _check_size(archive: zipfile.ZipFile, path: Path) -> None:
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFileError(
            f"the workbook would expand to {total / 1024 ** 2:,.0f} MB "
            f"(limit {MAX_UNCOMPRESSED_BYTES / 1024 ** 2:,.0f} MB): refused before reading, it may be a zip bomb",
            FIX_BIG, path)


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        return None
    except ElementTree.ParseError:
        return None


def _sheet_parts(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Sheet name -> its XML part, in workbook order."""
    book, rels = _xml(archive, "xl/workbook.xml"), _xml(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise UnreadableFileError("the workbook has no readable sheet list (xl/workbook.xml)",
                                  "open it in Excel or LibreOffice and save it again as .xlsx", path)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
    parts = {}
    for node in book.iter(f"{_NS}sheet"):
        target = targets.get(node.get(f"{_REL_NS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[node.get("name", "")] = part
    return parts


def _names(sheets: dict[str, str]) -> str:
    return ", ".join(repr(n) for n in sheets)


def _blank_shared_strings(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of shared strings that are blank (a cell holding one is not a value)."""
    blank: set[int] = set()
    try:
        handle = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return blank
    with handle:
        index = 0
        for _, node in ElementTree.iterparse(handle):
            if node.tag == f"{_NS}si":
                if not "".join(t.text or "" for t in node.iter(f"{_NS}t")).strip():
                    blank.add(index)
                index += 1
                node.clear()
    return blank


def _recalculated_on_open(archive: zipfile.ZipFile) -> bool:
    """Workbooks written by scripts (xlsxwriter) ask Excel to recompute on open: their stored
    formula results are placeholders (often 0), not values."""
    book = _xml(archive, "xl/workbook.xml")
    calc = book.find(f"{_NS}calcPr") if book is not None else None
    return calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")


def _load_grid(path: Path, name: str) -> pl.DataFrame:
    try:
        # Keep empty rows (leading and in-between) so a grid index is the sheet row minus one:
        # header_row and source_row must match what the analyst sees in Excel.
        return pl.read_excel(path, sheet_name=name, has_header=False, infer_schema_length=0, drop_empty_rows=False,
                             read_options={"skip_rows": 0})
    except pl.exceptions.NoDataError:
        return pl.DataFrame()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # fastexcel raises many types, a Rust panic included (a BaseException)
        raise UnreadableFileError(f"sheet {name!r} cannot be read ({type(exc).__name__})",
                                  "open the file in Excel/LibreOffice and save it again as .xlsx", path) from None


def _find_header_row(grid: pl.DataFrame, table: str) -> int | None:
    known = header_aliases(table)
    for index in range(min(HEADER_SEARCH_ROWS, grid.height)):
        cells = [header_key(v) for v in grid.row(index) if v is not None]
        if sum(cell in known for cell in cells) >= 2:
            return index
    return None


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
