"""Bad-input corpus, part 2 (issue 14 items 1, 9, 10): every row counted from the bytes.

Each case writes a small file by hand and states its outcome: either every row of the file (as
counted here, by the test, from what it wrote) is valid or quarantined with an exact reason, or the
snapshot stops with exit code 2 and a message naming the file, the line, the problem and the fix.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest
from conftest import (
    ENTITY_HEADER,
    POSITION_HEADER,
    position,
    reason_of,
    run_ingest,
    run_validate,
    write_csv,
)

from pipelines.errors import ContractError, PipelineError, UnreadableFileError


def stop(snap: Path, file_name: str, *words: str) -> PipelineError:
    with pytest.raises(PipelineError) as info:
        run_ingest(snap)
    err = info.value
    assert err.exit_code == 2
    assert err.file is not None and Path(err.file).name == file_name, err.file
    for word in words:
        assert word.lower() in str(err).lower(), (word, str(err))
    assert err.fix.strip()
    return err


def counts(out, name: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    r = out.reports[name]
    return r.rows_read, r.rows_valid, r.rows_quarantined


def csv_bytes(rows: list[list[str]], eol: str = "\n", delimiter: str = ",") -> bytes:
    return "".join(delimiter.join(r) + eol for r in rows).encode("utf-8")


HEADER_AND_3 = [POSITION_HEADER, position("P1"), position("P2"), position("P3", entity="E002")]


# --- line endings ------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"], ids=["cr-only", "crlf", "lf"])
def test_every_line_ending_reads_every_row(snap: Path, entities_csv: Path, eol: str) -> None:
    (snap / "positions.csv").write_bytes(csv_bytes(HEADER_AND_3, eol))
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (3, 3, 0)
    assert out.reports["positions.csv"].rows_counted == 3
    assert out.reports["positions.csv"].columns_ignored == []
    assert sorted(out.staging["positions"]["source_row"].to_list()) == [2, 3, 4]


def test_cr_only_entities_file_is_read_too(snap: Path) -> None:
    (snap / "entities.csv").write_bytes(csv_bytes([ENTITY_HEADER, ["E001", "Ministerio", "national", "ministry"]],
                                                  "\r"))
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1")])
    out = run_ingest(snap)
    assert counts(out, "entities.csv") == (1, 1, 0)
    assert counts(out, "positions.csv") == (1, 1, 0)


def test_quoted_line_break_is_one_row_and_later_rows_keep_their_line(snap: Path, entities_csv: Path) -> None:
    body = ('position_id,entity_id,position_title\r\n'
            'P1,E001,"Director General\r\nde Administración"\r\n'    # lines 2-3: one row
            'P2,E001,Jefe\r\n')                                       # line 4
    (snap / "positions.csv").write_bytes(body.encode())
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (2, 2, 0)
    rows = dict(out.staging["positions"].select("position_id", "source_row").iter_rows())
    assert rows == {"P1": 2, "P2": 4}


# --- rows with too few / too many fields, NUL bytes ---------------------------------------


def test_short_and_long_rows_are_quarantined_with_their_line(snap: Path, entities_csv: Path) -> None:
    rows = [POSITION_HEADER, position("P1"), ["P2", "E001", "Director", "2"],    # line 3: 4 fields of 5
            [*position("P3"), "sobra"], position("P4")]                            # line 4: 6 fields
    (snap / "positions.csv").write_bytes(csv_bytes(rows))
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (4, 2, 2)
    q = out.quarantine["positions"]
    assert reason_of(q, 3) == "too_few_fields"
    assert reason_of(q, 4) == "too_many_fields"
    assert "line 3 has 4 field(s), the header 5" in q.filter(pl.col("source_row") == "3")["reason"][0]
    assert "line 4 has 6 field(s), the header 5" in q.filter(pl.col("source_row") == "4")["reason"][0]
    # Without personal columns the row is shown as written.
    assert q.filter(pl.col("source_row") == "3")["position_id"][0] == "P2"


def test_nul_byte_in_one_row_quarantines_that_row(snap: Path, entities_csv: Path) -> None:
    data = csv_bytes([POSITION_HEADER, position("P1"), position("P2", title="Jefe\x00X"), position("P3")])
    (snap / "positions.csv").write_bytes(data)
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (3, 2, 1)
    assert reason_of(out.quarantine["positions"], 3) == "nul_byte"


def test_unclosed_quote_stops_naming_the_line(snap: Path, entities_csv: Path) -> None:
    body = "position_id,entity_id,position_title\nP1,E001,Jefe\nP2,E001,\"Director\nP3,E001,Jefe\n"
    (snap / "positions.csv").write_bytes(body.encode())
    err = stop(snap, "positions.csv", "never closes", "line 3")
    assert "quote" in err.fix


def test_balanced_quotes_inside_a_field_are_text(snap: Path, entities_csv: Path) -> None:
    body = 'position_id,entity_id,position_title\nP1,E001,Jefe\nP2,E001,Jefe "A" de X\nP3,E001,Jefe\n'
    (snap / "positions.csv").write_bytes(body.encode())
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (3, 3, 0)
    assert out.staging["positions"].filter(pl.col("position_id") == "P2")["position_title"][0] == 'Jefe "A" de X'


def test_one_stray_quote_stops_naming_its_line(snap: Path, entities_csv: Path) -> None:
    body = 'position_id,entity_id,position_title\nP1,E001,Jefe\nP2,E001,Monitor 5" Jefe\nP3,E001,Jefe\n'
    (snap / "positions.csv").write_bytes(body.encode())
    stop(snap, "positions.csv", "line 3", "quote")


def test_two_stray_quotes_stop_naming_the_first_line(snap: Path, entities_csv: Path) -> None:
    # From the bytes, lines 3-5 are one quoted record; a parser reading quotes inside a field as
    # text would find 4 rows. Nobody can tell which is right: stop, naming line 3.
    body = ('position_id,entity_id,position_title\nP1,E001,Jefe\nP2,E001,Monitor 5" Jefe\n'
            'P3,E001,Jefe\nP4,E001,Pantalla 7" Jefe\n')
    (snap / "positions.csv").write_bytes(body.encode())
    err = stop(snap, "positions.csv", "line 3", "quote")
    assert "quote" in err.fix


def test_a_parser_that_loses_a_row_is_caught_by_the_byte_count(snap: Path, entities_csv: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.ingest.readers as readers

    real = readers.pl.read_csv
    monkeypatch.setattr(readers.pl, "read_csv", lambda *a, **k: real(*a, **k).head(-1))  # drops the last row
    path = snap / "positions.csv"
    path.write_bytes(csv_bytes(HEADER_AND_3))
    with pytest.raises(UnreadableFileError) as info:
        run_validate(path, "positions")
    assert "3 data record(s) by its line endings and quotes, but the CSV parser read 2 row(s)" in info.value.problem


def test_trailing_blank_lines_of_any_kind_are_not_rows(snap: Path, entities_csv: Path) -> None:
    body = "position_id,entity_id,position_title\nP1,E001,Jefe\n\n\u00a0\n,,\n\n"
    (snap / "positions.csv").write_bytes(body.encode())
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (1, 1, 0)


# --- preambles: sep= and title lines ------------------------------------------------------


def test_sep_line_and_title_lines_are_skipped_like_xlsx_title_rows(snap: Path, entities_csv: Path) -> None:
    body = ("sep=;\n"
            "REGISTRO DE PUESTOS DIRECTIVOS\n"
            "Corte: 31/01/2020\n"
            "position_id;entity_id;position_title;organizational_level;monthly_pay\n"   # line 4
            "P1;E001;Director General de Administración, Finanzas;2;12.345,67\n"        # line 5
            "P2;E999;Jefe;3;100\n")                                                     # line 6
    (snap / "positions.csv").write_bytes(body.encode())
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert (report.delimiter, report.header_row) == (";", 4)
    assert counts(out, "positions.csv") == (2, 1, 1)
    assert out.staging["positions"]["source_row"].to_list() == [5]
    assert reason_of(out.quarantine["positions"], 6) == "unknown_entity"
    assert any("sep=" in n for n in report.notes) and any("2-3" in n for n in report.notes)


# --- encodings and formats ----------------------------------------------------------------


def test_utf16_unicode_text_from_excel_is_read(snap: Path, entities_csv: Path) -> None:
    text = "\r\n".join("\t".join(r) for r in [POSITION_HEADER, position("P1", title="Dirección"), position("P2")])
    (snap / "positions.txt").write_bytes(b"\xff\xfe" + (text + "\r\n").encode("utf-16-le"))
    out = run_ingest(snap)
    report = out.reports["positions.txt"]
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert counts(out, "positions.txt") == (2, 2, 0)
    assert out.staging["positions"].filter(pl.col("position_id") == "P1")["position_title"][0] == "Dirección"


def test_utf16_without_bom_stops_with_how_to_convert(snap: Path, entities_csv: Path) -> None:
    text = "\n".join(",".join(r) for r in [POSITION_HEADER, position("P1")])
    (snap / "positions.csv").write_bytes(text.encode("utf-16-le"))
    err = stop(snap, "positions.csv", "utf-16")
    assert "UTF-8" in err.fix


def test_old_xls_in_the_snapshot_stops_saying_how_to_convert(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1")])
    (snap / "positions_parte2.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    err = stop(snap, "positions_parte2.xls", "old")
    assert "97-2003" in err.fix and ".xlsx" in err.fix


def test_xlsx_renamed_to_csv_stops(snap: Path, entities_csv: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(snap / "positions.csv"))
    book.add_worksheet().write_row(0, 0, POSITION_HEADER)
    book.close()
    stop(snap, "positions.csv", "zip archive", ".xlsx")


# --- XLSX: every sheet, caps, formulas ----------------------------------------------------


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
    book.close()
    return path


def test_every_sheet_with_the_header_is_read(snap: Path, entities_csv: Path) -> None:
    _book(snap / "positions.xlsx", {
        "Lima": [POSITION_HEADER, position("P1"), position("P2")],                       # rows 2-3
        "Notas": [["Fuente: SERVIR"], ["Sin datos personales"]],                          # no header: skipped
        "Regiones": [["Puestos regionales"], ["Código de Puesto", "Código de Entidad", "Cargo"],  # header row 2
                     ["P3", "E002", "Gerente Regional"], ["P4", "E999", "Gerente"]],      # rows 3-4
    })
    out = run_ingest(snap)
    report = out.reports["positions.xlsx"]
    assert counts(out, "positions.xlsx") == (4, 3, 1)
    assert report.sheets == [{"sheet": "Lima", "header_row": 1, "rows": 2},
                             {"sheet": "Regiones", "header_row": 2, "rows": 2}]
    assert report.notes == ["sheet 'Notas' has no positions header row: skipped"]
    staged = dict(out.staging["positions"].select("position_id", "source_row").iter_rows())
    assert staged == {"P1": 2, "P2": 3, "P3": 3}
    q = out.quarantine["positions"]
    assert reason_of(q, 4) == "unknown_entity"
    assert q["source_sheet"].to_list() == ["Regiones"]


def test_no_sheet_with_the_header_stops_naming_the_sheets(snap: Path, entities_csv: Path) -> None:
    _book(snap / "positions.xlsx", {"Hoja1": [["a", "b"], ["1", "2"]], "Hoja2": [["x"]]})
    err = stop(snap, "positions.xlsx", "'Hoja1', 'Hoja2'")
    assert "--sheet" in err.fix


def test_sheet_option_reads_only_that_sheet(snap: Path) -> None:
    path = _book(snap / "positions.xlsx", {"A": [POSITION_HEADER, position("P1")],
                                           "B": [POSITION_HEADER, position("P2"), position("P3")]})
    report, _ = run_validate_sheet(path, "B")
    assert (report.rows_read, report.sheet) == (2, "B")
    with pytest.raises(UnreadableFileError) as info:
        run_validate_sheet(path, "C")
    assert "'A', 'B'" in info.value.problem


def run_validate_sheet(path: Path, sheet: str):  # type: ignore[no-untyped-def]
    from pipelines.ingest.snapshot import validate_file

    report, quarantined = validate_file(path, "positions", sheet)
    assert report.rows_read == report.rows_valid + report.rows_quarantined
    return report, quarantined


def test_formula_without_a_stored_value_is_quarantined_not_zero(snap: Path, entities_csv: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["position_id", "entity_id", "position_title", "monthly_pay"])
    sheet.append(["P1", "E001", "Director", 15000])
    sheet.append(["P2", "E001", "Jefe", "=D2*2"])          # openpyxl stores the formula, no value
    sheet.append(["P3", "E001", "Jefe", 9000, "=1+1"])      # formula in a column nobody reads: harmless
    book.save(snap / "positions.xlsx")
    out = run_ingest(snap)
    assert counts(out, "positions.xlsx") == (3, 2, 1)
    assert reason_of(out.quarantine["positions"], 3) == "formula_without_value"


def test_xlsxwriter_formula_placeholder_zero_is_not_taken_as_a_value(snap: Path, entities_csv: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(snap / "positions.xlsx"))  # asks Excel to recompute on open
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["position_id", "entity_id", "position_title", "monthly_pay"])
    sheet.write_row(1, 0, ["P1", "E001", "Director", 15000])
    sheet.write_row(2, 0, ["P2", "E001", "Jefe"])
    sheet.write_formula(2, 3, "=D2*2")  # stored result: a placeholder 0
    book.close()
    out = run_ingest(snap)
    assert counts(out, "positions.xlsx") == (2, 1, 1)
    assert reason_of(out.quarantine["positions"], 3) == "formula_without_value"


def test_zip_bomb_is_refused_from_the_zip_directory_before_any_cell_is_read(
        snap: Path, entities_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A zip whose directory announces a 10 GiB part; nothing is decompressed (and no 10 GiB exists).
    path = _book(snap / "positions.xlsx", {"Hoja1": [POSITION_HEADER, position("P1")]})
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info, data in parts:
            bomb.writestr(info, data)
        bomb.filelist[-1].file_size = 10 * 1024 ** 3
    monkeypatch.setattr("pipelines.ingest.xlsx._load_grid", _never_called)
    stop(snap, "positions.xlsx", "zip bomb", "10,240 MB")


def test_huge_used_range_is_refused_before_loading_cells(
        snap: Path, entities_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(snap / "positions.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, POSITION_HEADER)
    sheet.write_row(1, 0, position("P1"))
    sheet.write(1_048_575, 16_383, "x")  # XFD1048576: a reader would allocate 17 billion cells
    book.close()
    monkeypatch.setattr("pipelines.ingest.xlsx._load_grid", _never_called)
    err = stop(snap, "positions.xlsx", "1,048,576 rows x 16,384 columns")
    assert "refused before loading" in err.problem


def test_uncompressed_size_cap_is_a_documented_constant(snap: Path, entities_csv: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.ingest import xlsx

    assert xlsx.MAX_UNCOMPRESSED_BYTES == 512 * 1024 ** 2
    _book(snap / "positions.xlsx", {"Hoja1": [POSITION_HEADER, position("P1")]})
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1_000)
    stop(snap, "positions.xlsx", "limit 0 MB")


def _never_called(*_args: object) -> None:
    raise AssertionError("cells were loaded although the caps should have refused the workbook")


# --- Parquet ------------------------------------------------------------------------------


def test_parquet_list_value_in_a_contract_column_is_quarantined(snap: Path, entities_csv: Path) -> None:
    pl.DataFrame({
        "position_id": ["P1", "P2", "P3"],
        "entity_id": ["E001", "E001", "E001"],
        "position_title": ["Director", "Jefe", "Jefe"],
        "monthly_pay": [[1000.0], None, [2000.0, 3.0]],          # list column read by the contract
        "extra": [{"a": 1}, {"a": 2}, {"a": 3}],                 # struct column nobody reads
    }).write_parquet(snap / "positions.parquet")
    out = run_ingest(snap)
    assert counts(out, "positions.parquet") == (3, 1, 2)
    q = out.quarantine["positions"]
    assert reason_of(q, 2) == "unsupported_value"
    assert reason_of(q, 4) == "unsupported_value"
    assert out.staging["positions"]["position_id"].to_list() == ["P2"]


# --- identifiers and headers --------------------------------------------------------------


def test_leading_zero_entity_id_suggests_the_match(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, [["010", "Ministerio de Educación", "national", "ministry"]])
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1", entity="010"), position("P2", entity="10")])
    out = run_ingest(snap)
    assert counts(out, "positions.csv") == (2, 1, 1)
    reason = out.quarantine["positions"]["reason"][0]
    assert "did you mean '010'?" in reason


def test_spanish_headers_with_connector_words_are_matched(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv",
              ["Código de Puesto", "Código de la Entidad", "Cargo", "Tipo de Órgano", "Régimen Laboral del Servidor"],
              [["P1", "E001", "Director General", "Órgano de línea", "D.L. 276"]])
    write_csv(snap / "entities.csv",
              ["Código de Entidad", "Nombre de la Entidad", "Nivel de Gobierno", "Tipo de Entidad"],
              [["E001", "Ministerio", "E", "Ministerio"]])
    out = run_ingest(snap)
    assert out.reports["positions.csv"].columns_recognized == {
        "Código de Puesto": "position_id", "Código de la Entidad": "entity_id", "Cargo": "position_title",
        "Tipo de Órgano": "body_type", "Régimen Laboral del Servidor": "labor_regime"}
    assert out.reports["entities.csv"].columns_recognized["Nombre de la Entidad"] == "entity_name"
    row = out.staging["positions"].row(0, named=True)
    assert (row["body_type"], row["labor_regime"]) == ("line", "dl276")


def test_a_header_close_to_an_alias_is_suggested(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", ["codigo_pusto", "codigo_entidad", "cargo"], [["P1", "E001", "Director"]])
    with pytest.raises(ContractError) as info:
        run_ingest(snap)
    assert "Header 'codigo_pusto' is close to codigo_puesto (position_id)" in info.value.problem


def test_connector_words_are_a_seed_not_code() -> None:
    from pipelines.ingest.contract import CONTRACT_SEEDS, header_key

    words = (CONTRACT_SEEDS / "header_connectors.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert {w.split(",")[0] for w in words} == {"de", "del", "la", "las", "los", "el", "y"}
    assert header_key("Nombre de la Entidad") == header_key("nombre_entidad") == "nombreentidad"
    assert header_key("De") == "de"  # a header made only of connectors keeps its words


def test_dot_folders_under_raw_are_said_to_be_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app

    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path / "data"))
    hidden = tmp_path / "data" / "raw" / ".2020-01-31"
    write_csv(hidden / "positions.csv", POSITION_HEADER, [position("P1")])
    result = CliRunner().invoke(app, ["refresh"])
    assert f"Skipped {hidden}: folders whose name starts with a dot are never ingested" in result.output
    assert result.exit_code == 2  # and nothing else to ingest


def test_formula_in_a_sheet_starting_at_column_c_is_placed_in_its_column(snap: Path, entities_csv: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"] = "position_id", "entity_id", "position_title", "monthly_pay"
    sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = "P1", "E001", "Director", "=1+1"   # pay: no value
    sheet["C4"], sheet["D4"], sheet["E4"], sheet["F4"] = "P2", "E001", "Jefe", 9000
    book.save(snap / "positions.xlsx")
    out = run_ingest(snap)
    assert counts(out, "positions.xlsx") == (2, 1, 1)
    q = out.quarantine["positions"]
    assert reason_of(q, 3) == "formula_without_value"
    assert "monthly_pay is a formula" in q["reason"][0]


def test_validate_shows_the_suggestion_beside_the_unknown_header(snap: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app

    path = write_csv(snap / "positions.csv", ["position_id", "entity_id", "position_title", "nivel_organizaciona"],
                     [["P1", "E001", "Director", "2"]])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "close to nivel_organizacional" in result.output and "(organizational_level)" in result.output


REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def test_real_mef_extract_counts_the_same_rows_from_xlsx_and_csv() -> None:
    """The same real MEF sheet as .xlsx and as .csv: 3,941 rows counted from the bytes and read."""
    from pipelines.ingest.readers import read_table

    xlsx, csv = (REAL / f"mef_consulta_amigable_GN_sector_pliego_ue_2015-2025.{s}" for s in ("xlsx", "csv"))
    if not xlsx.exists() or not csv.exists():
        pytest.skip("../shared/realdata is not available")
    for path in (xlsx, csv):
        raw = read_table(path, "entities")
        assert (raw.rows_counted, raw.frame.height, raw.issues.height) == (3941, 3941, 0), path.name


def test_damaged_workbook_xml_stops_with_a_message(snap: Path, entities_csv: Path) -> None:
    path = _book(snap / "positions.xlsx", {"Hoja1": [POSITION_HEADER, position("P1")]})
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as damaged:
        for info, data in parts:
            damaged.writestr(info, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    stop(snap, "positions.xlsx", "damaged")


def test_a_rust_panic_in_the_cell_reader_is_a_message_not_a_traceback(
        snap: Path, entities_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class PanicException(BaseException):  # what pyo3 raises on a Rust panic
        pass

    def panic(*_args: object, **_kwargs: object) -> None:
        raise PanicException("capacity overflow")

    _book(snap / "positions.xlsx", {"Hoja1": [POSITION_HEADER, position("P1")]})
    monkeypatch.setattr("pipelines.ingest.xlsx.pl.read_excel", panic)
    stop(snap, "positions.xlsx", "cannot be read (PanicException)")


def test_fast_and_general_sheet_scans_agree(tmp_path: Path) -> None:
    """The vectorized scan (usual sheets) and the cell-by-cell one give the same extent and last row."""
    import xlsxwriter

    from pipelines.ingest.xlsx import _blank_shared_strings
    from pipelines.ingest.xlsx_scan import scan_fast, scan_general

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    boxed = book.add_format({"border": 1})
    sheet.write(1, 1, "Cuadro")                                  # B2
    sheet.write_row(3, 0, ["position_id", "entity_id", "position_title"])
    sheet.write_row(4, 0, ["P1", "E001", "Director & Jefe <1>"])  # escaped text
    sheet.write_number(6, 27, 5)                                  # AB7: last value, 2-letter column
    for row in range(7, 10):                                      # rows 8-10: formatted blanks and spaces
        sheet.write_blank(row, 0, None, boxed)
        sheet.write_string(row, 1, "   ")
    book.close()
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/worksheets/sheet1.xml")
        blank = _blank_shared_strings(archive)
    fast = scan_fast(data, blank)
    general = scan_general(data, blank, False, "Sheet1", path)
    assert fast is not None
    assert (fast.last_value_row, fast.max_row, fast.max_col) == (general.last_value_row, general.max_row,
                                                                  general.max_col) == (7, 10, 28)
