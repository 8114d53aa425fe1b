"""The bad-input corpus: one test per kind of broken input, each with its exact expected outcome.

Expectations are derived from ../shared/domain/DATA_CONTRACT.md and pipelines/ingest/contract.py, not
from the code's output: a row's reason_code is the first of contract.REASONS that applies, and
source_row counts like a spreadsheet (header on row N, first data row N+1).
Every ingestion goes through conftest.run_ingest/run_validate, which check
rows_read == rows_valid + rows_quarantined per file and the quarantine CSV row count.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import (
    ENTITY_HEADER,
    ENTITY_ROWS,
    POSITION_HEADER,
    SNAPSHOT,
    TEST_KEY,
    position,
    reason_of,
    run_ingest,
    run_validate,
    write_csv,
)

from pipelines.errors import ContractError, PipelineError, UnreadableFileError
from pipelines.paths import PROJECT_ROOT

REAL_MEF_REGISTRY = PROJECT_ROOT.parent / "shared" / "realdata" / "derived_registro_GN_sector_pliego_ue.csv"


def by_id(staging: pl.DataFrame, position_id: str) -> dict:
    rows = staging.filter(pl.col("position_id") == position_id).to_dicts()
    assert len(rows) == 1, f"expected one staged row for {position_id}, got {len(rows)}"
    return rows[0]


def garbage(n: int = 4096, with_nul: bool = True) -> bytes:
    data = random.Random(1234).randbytes(n)
    return (b"\x00\x01\x02" + data) if with_nul else data.replace(b"\x00", b"\x01")


def assert_stop_message(err: PipelineError, file_name: str, *problem_words: str) -> None:
    text = str(err)
    assert err.file is not None and Path(err.file).name == file_name
    assert file_name in text
    for word in problem_words:
        assert word.lower() in err.problem.lower(), (word, err.problem)
    assert err.fix.strip(), "a stop must say how to fix it"
    assert "Fix:" in text and err.fix in text



# --- 1. empty file ------------------------------------------------------------------------


def test_empty_positions_file_stops_naming_the_file(snap: Path, entities_csv: Path) -> None:
    (snap / "positions.csv").write_bytes(b"")
    with pytest.raises(UnreadableFileError) as info:
        run_ingest(snap)
    assert_stop_message(info.value, "positions.csv", "empty")


# --- 2. header only -----------------------------------------------------------------------


def test_header_only_positions_ingests_zero_rows_and_flags_row_count(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [])
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert (report.rows_read, report.rows_valid, report.rows_quarantined) == (0, 0, 0)
    assert out.staging["positions"].height == 0
    assert out.staging["entities"].height == 2
    # The table-level suite flags the empty table; it does not crash the run.
    checks = out.result.table_checks["positions"]
    assert checks["success"] is False
    row_count = [r for r in checks["results"] if r["expectation"] == "expect_table_row_count_to_be_between"]
    assert len(row_count) == 1 and row_count[0]["success"] is False
    assert out.result.table_checks["entities"]["success"] is True


def test_header_only_entities_sends_every_position_to_unknown_entity(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, [])
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1"), position("P2", entity="E002")])
    out = run_ingest(snap)
    assert out.reports["entities.csv"].rows_read == 0
    q = out.quarantine["positions"]
    assert reason_of(q, 2) == "unknown_entity"
    assert reason_of(q, 3) == "unknown_entity"
    assert out.staging["positions"].height == 0


def test_csv_blank_lines_trailing_are_not_rows_in_between_keep_row_numbers(snap: Path, entities_csv: Path) -> None:
    path = write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1")])  # row 2
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("\n")                                   # row 3: blank
        handle.write(",".join(position("P2")) + "\n")        # row 4
        handle.write(",,,,\n\n  \n\n")                        # trailing: delimiters only, blank lines
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert (report.rows_read, report.rows_valid, report.rows_quarantined) == (3, 2, 1)
    assert by_id(out.staging["positions"], "P2")["source_row"] == 4
    assert reason_of(out.quarantine["positions"], 3) == "missing_required"


# --- 3. semicolon delimiter ---------------------------------------------------------------


def test_semicolon_delimiter_puts_values_in_the_right_columns(snap: Path, entities_csv: Path) -> None:
    # Spanish-locale export: ';' separates fields, ',' is the decimal mark and appears in titles.
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        ["P1", "E001", "Director General de Administración, Finanzas y Logística", "2", "12.345,67"],
        ["P2", "E002", "Gerente Regional de Desarrollo Social", "3", "9800,50"],
    ], delimiter=";")
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert report.delimiter == ";"
    assert (report.rows_read, report.rows_valid, report.rows_quarantined) == (2, 2, 0)
    p1 = by_id(out.staging["positions"], "P1")
    assert p1["entity_id"] == "E001"
    assert p1["position_title"] == "Director General de Administración, Finanzas y Logística"
    assert p1["organizational_level"] == 2
    assert p1["monthly_pay"] == pytest.approx(12345.67)
    p2 = by_id(out.staging["positions"], "P2")
    assert (p2["entity_id"], p2["organizational_level"]) == ("E002", 3)
    assert p2["monthly_pay"] == pytest.approx(9800.50)


# --- 4. Latin-1 / cp1252 with accented headers --------------------------------------------


def test_cp1252_file_with_accented_spanish_headers(snap: Path, entities_csv: Path) -> None:
    header = ["Código_Puesto", "Código_Entidad", "Cargo", "Órgano", "Régimen Laboral", "Remuneración"]
    rows = [
        ["P1", "E001", "Jefe de la Oficina de Administración", "Órgano de Control Institucional",
         "D.Leg. 1057", "8500"],
        ["P2", "E002", "Subgerente – Niñas, Niños y Adolescentes", "Dirección de Promoción Señorial",
         "D.L. 276", "7200"],
    ]
    path = write_csv(snap / "positions.csv", header, rows, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the corpus file really is not UTF-8
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert report.encoding == "cp1252"
    assert report.columns_recognized == {
        "Código_Puesto": "position_id", "Código_Entidad": "entity_id", "Cargo": "position_title",
        "Órgano": "unit_name", "Régimen Laboral": "labor_regime", "Remuneración": "monthly_pay",
    }
    assert (report.rows_read, report.rows_valid) == (2, 2)
    p1 = by_id(out.staging["positions"], "P1")
    assert p1["position_title"] == "Jefe de la Oficina de Administración"
    assert p1["unit_name"] == "Órgano de Control Institucional"
    assert p1["labor_regime"] == "cas"
    assert p1["monthly_pay"] == 8500.0
    p2 = by_id(out.staging["positions"], "P2")
    assert p2["position_title"] == "Subgerente – Niñas, Niños y Adolescentes"  # en dash is cp1252-only
    assert p2["unit_name"] == "Dirección de Promoción Señorial"
    assert p2["labor_regime"] == "dl276"


def test_utf8_file_with_one_stray_byte_keeps_its_accents(snap: Path, entities_csv: Path) -> None:
    path = snap / "positions.csv"
    write_csv(path, POSITION_HEADER, [position("P1", title="Dirección de Línea"), position("P2", title="Jefe X")])
    path.write_bytes(path.read_bytes().replace(b"Jefe X", b"Jefe \xff"))  # one byte no encoding explains
    out = run_ingest(snap)
    assert out.reports["positions.csv"].encoding.startswith("utf-8 (1 undecodable byte")
    # Decoding the whole file as cp1252 would have produced 'DirecciÃ³n de LÃ\xadnea'.
    assert by_id(out.staging["positions"], "P1")["position_title"] == "Dirección de Línea"
    assert by_id(out.staging["positions"], "P2")["position_title"] == "Jefe \ufffd"


def test_utf8_with_bom_header_is_recognized(snap: Path, entities_csv: Path) -> None:
    path = snap / "positions.csv"
    write_csv(path, POSITION_HEADER, [position("P1")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    out = run_ingest(snap)
    assert out.reports["positions.csv"].columns_recognized["position_id"] == "position_id"
    assert by_id(out.staging["positions"], "P1")["position_title"] == "Director General"


# --- 5. XLSX with title rows --------------------------------------------------------------


def test_xlsx_with_two_title_rows_finds_header_on_row_3(snap: Path, entities_csv: Path) -> None:
    import xlsxwriter

    path = snap / "positions.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Puestos")
    sheet.write(0, 0, "REGISTRO DE PUESTOS DIRECTIVOS")
    sheet.write(1, 0, "Fuente: SERVIR - corte al 31/01/2020")
    sheet.write_row(2, 0, ["Código Puesto", "Pliego", "Cargo", "Nivel", "Remuneración"])
    sheet.write_row(3, 0, ["P1", "E001", "Director General de Presupuesto Público"])
    sheet.write_number(3, 3, 2)
    sheet.write_number(3, 4, 15000)
    sheet.write_row(4, 0, ["P2", "E001", "Director de Normatividad", "3", "-100"])
    book.close()

    out = run_ingest(snap)
    report = out.reports["positions.xlsx"]
    assert report.file_format == "xlsx"
    assert report.header_row == 3
    assert (report.rows_read, report.rows_valid, report.rows_quarantined) == (2, 1, 1)
    p1 = by_id(out.staging["positions"], "P1")
    assert p1["source_row"] == 4
    assert p1["organizational_level"] == 2 and p1["monthly_pay"] == 15000.0
    assert reason_of(out.quarantine["positions"], 5) == "out_of_range"


def test_xlsx_blank_rows_keep_real_row_numbers(snap: Path, entities_csv: Path) -> None:
    """Excel skips nothing: an empty row 1, a blank row between data rows and formatted empty rows
    at the end must not shift header_row/source_row away from what the analyst sees."""
    import xlsxwriter

    path = snap / "positions.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    boxed = book.add_format({"border": 1})
    sheet.write(1, 1, "Cuadro de puestos")                                   # row 2 (row 1 empty)
    sheet.write_row(3, 0, ["position_id", "entity_id", "position_title"])    # row 4 (row 3 empty)
    sheet.write_row(4, 0, ["P1", "E001", "Director General"])                # row 5
    sheet.write_row(6, 0, ["P2", "E001", "Director de Planeamiento"])        # row 7 (row 6 blank)
    sheet.write_row(7, 0, ["P3", "E999", "Director de Presupuesto"])         # row 8: unknown entity
    for row in range(8, 12):                                                 # rows 9-12: formatted, empty
        sheet.write_blank(row, 0, None, boxed)
        sheet.write_string(row, 1, "  ")
    book.close()

    out = run_ingest(snap)
    report = out.reports["positions.xlsx"]
    assert report.header_row == 4
    assert by_id(out.staging["positions"], "P1")["source_row"] == 5
    assert by_id(out.staging["positions"], "P2")["source_row"] == 7
    q = out.quarantine["positions"]
    assert reason_of(q, 8) == "unknown_entity"
    assert reason_of(q, 6) == "missing_required"  # the blank row in between: every row read is accounted for
    assert (report.rows_read, report.rows_valid, report.rows_quarantined) == (4, 2, 2)  # trailing rows are not rows


def test_xlsx_with_empty_sheet_stops(snap: Path, entities_csv: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(snap / "positions.xlsx"))
    book.add_worksheet()
    book.close()
    with pytest.raises(UnreadableFileError) as info:
        run_ingest(snap)
    assert_stop_message(info.value, "positions.xlsx", "sheet is empty")


# --- 6. missing required column -----------------------------------------------------------


def test_missing_required_column_stops_with_recognized_and_accepted_headers(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", ["codigo_puesto", "pliego", "nivel", "remuneracion", "observaciones"],
              [["P1", "E001", "2", "15000", "ninguna"]])
    with pytest.raises(ContractError) as info:
        run_ingest(snap)
    err = info.value
    assert_stop_message(err, "positions.csv", "missing required", "position_title")
    # Only position_title is missing: the other required columns were found under aliases.
    assert "column(s): position_title." in err.problem
    assert ("Columns recognized: codigo_puesto -> position_id, pliego -> entity_id, "
            "nivel -> organizational_level, remuneracion -> monthly_pay") in err.problem
    accepted = re.search(r"position_title \(accepted headers: ([^)]*)\)", err.fix)
    assert accepted, err.fix
    # Spellings as the contract writes them (copyable), not folded matching keys.
    names = accepted.group(1).split(", ")
    assert {"position_title", "cargo", "puesto", "cargo_estructural", "vc_personal_cargo",
            "desc_cargo_estructural"} <= set(names)


# --- 7. duplicate ids ---------------------------------------------------------------------


def test_duplicate_position_ids_keep_the_first(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", title="Primero"),       # row 2: kept
        position("P2"),                        # row 3
        position("P1", title="Segundo"),       # row 4: duplicate
        position("P1", title="Tercero"),       # row 5: duplicate
    ])
    out = run_ingest(snap)
    p1 = by_id(out.staging["positions"], "P1")
    assert (p1["position_title"], p1["source_row"]) == ("Primero", 2)
    q = out.quarantine["positions"]
    assert q.height == 2
    assert reason_of(q, 4) == "duplicate_key"
    assert reason_of(q, 5) == "duplicate_key"
    assert out.reports["positions.csv"].quarantined_by_reason == {"duplicate_key": 2}


def test_duplicate_entity_ids_keep_the_first(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, [*ENTITY_ROWS, ["E001", "Otro nombre", "national", "ministry"]])
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1")])
    out = run_ingest(snap)
    assert reason_of(out.quarantine["entities"], 4) == "duplicate_key"
    kept = out.staging["entities"].filter(pl.col("entity_id") == "E001")
    assert kept["entity_name"].to_list() == ["Ministerio de Economía y Finanzas"]
    assert out.reports["positions.csv"].rows_valid == 1  # E001 is still a known entity


def test_duplicates_across_files_and_parquet_input_are_counted_per_file(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions_a.csv", ["position_id", "entity_id", "position_title", "monthly_pay"], [
        ["P1", "E001", "Director", "100"],
        ["P2", "E001", "Director", "100"],
    ])
    pl.DataFrame({
        "position_id": ["P2", "P3", "P4"],            # P2 already came in positions_a.csv (read first)
        "entity_id": ["E001", "E001", "E002"],
        "position_title": ["Otro", "Jefe", "Gerente"],
        "monthly_pay": [1.5, -3.0, None],
        "organizational_level": [2, 7, None],
        "start_date": [date(2023, 6, 24), None, None],
    }).write_parquet(snap / "positions_b.parquet")
    out = run_ingest(snap)
    a, b = out.reports["positions_a.csv"], out.reports["positions_b.parquet"]
    assert (a.rows_read, a.rows_valid, a.rows_quarantined) == (2, 2, 0)
    assert (b.rows_read, b.rows_valid, b.rows_quarantined) == (3, 1, 2)
    q = out.quarantine["positions"].filter(pl.col("source_file") == "positions_b.parquet")
    assert reason_of(q, 2) == "duplicate_key"
    assert reason_of(q, 3) == "out_of_range"  # level 7 and pay -3: both out of range
    p4 = by_id(out.staging["positions"], "P4")
    assert (p4["source_file"], p4["source_row"], p4["entity_id"]) == ("positions_b.parquet", 4, "E002")
    assert by_id(out.staging["positions"], "P2")["source_file"] == "positions_a.csv"


# --- 8. unknown entity --------------------------------------------------------------------


def test_position_of_unknown_entity_is_quarantined(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", entity="E002"),
        position("P2", entity="E999"),
    ])
    out = run_ingest(snap)
    assert reason_of(out.quarantine["positions"], 3) == "unknown_entity"
    assert out.staging["positions"]["position_id"].to_list() == ["P1"]


# --- 9. pay -------------------------------------------------------------------------------


def test_pay_out_of_range_non_numeric_and_formats(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", pay="-500"),           # row 2: negative
        position("P2", pay="abc"),            # row 3: not a number
        position("P3", pay="450000"),         # row 4: absurd (> S/ 300,000)
        position("P4", pay="S/ 12,345.67"),   # row 5
        position("P5", pay="12.345,67"),      # row 6
        position("P6", pay="12345.67"),       # row 7
        position("P7", pay="300000"),         # row 8: the limit itself is allowed
        position("P8", pay="300000.01"),      # row 9: just above
        position("P9", pay=""),               # row 10: optional, empty is fine
    ])
    out = run_ingest(snap)
    q = out.quarantine["positions"]
    assert reason_of(q, 2) == "out_of_range"
    assert reason_of(q, 3) == "non_numeric"
    assert reason_of(q, 4) == "out_of_range"
    assert reason_of(q, 9) == "out_of_range"
    assert q.height == 4
    staged = out.staging["positions"]
    for pid in ("P4", "P5", "P6"):
        assert by_id(staged, pid)["monthly_pay"] == pytest.approx(12345.67)
    assert by_id(staged, "P7")["monthly_pay"] == 300000.0
    assert by_id(staged, "P9")["monthly_pay"] is None
    # The quarantine shows the value as written; a plain negative number is not "neutralized".
    assert q.filter(pl.col("source_row") == "2")["monthly_pay"].to_list() == ["-500"]
    assert "abc" in q.filter(pl.col("source_row") == "3")["reason"][0]


# --- 10. organizational level -------------------------------------------------------------


def test_organizational_level_outside_1_to_6(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", level="9"),
        position("P2", level="0"),
        position("P3", level="6"),
        position("P4", level="Nivel 1"),
    ])
    out = run_ingest(snap)
    q = out.quarantine["positions"]
    assert reason_of(q, 2) == "out_of_range"
    assert reason_of(q, 3) == "out_of_range"
    assert q.height == 2
    assert by_id(out.staging["positions"], "P3")["organizational_level"] == 6
    assert by_id(out.staging["positions"], "P4")["organizational_level"] == 1


# --- 11. enum spellings -------------------------------------------------------------------


def test_unexpected_spanish_enum_spellings_map_to_canonical_values(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, [
        ["E001", "Ministerio de Economía y Finanzas", "GOBIERNO NACIONAL", "Ministerio"],
        ["E002", "SUNAFIL", "Gobierno Nacional", "Organismo Técnico Especializado"],
    ])
    header = ["position_id", "entity_id", "position_title", "tipo_organo", "condicion", "regimen_laboral"]
    write_csv(snap / "positions.csv", header, [
        ["P1", "E001", "Director General", "ORGANO DE LÍNEA", "Designado - Confianza", "D.Leg. N° 1057"],
        ["P2", "E002", "Intendente Regional", "Órgano Desconcentrado (sede)", "Encargado", "DL 728"],
        ["P3", "E002", "Jefe de Oficina", "Órgano de Apoyo", "a plazo fijo", "CAS"],  # row 4: unknown
    ])
    out = run_ingest(snap)
    entities = out.staging["entities"].sort("entity_id")
    assert entities["government_level"].to_list() == ["national", "national"]
    assert entities["entity_classification"].to_list() == ["ministry", "specialized_technical_agency"]
    p1 = by_id(out.staging["positions"], "P1")
    assert (p1["body_type"], p1["appointment_type"], p1["labor_regime"]) == ("line", "appointed", "cas")
    p2 = by_id(out.staging["positions"], "P2")
    assert (p2["body_type"], p2["appointment_type"], p2["labor_regime"]) == ("decentralized", "interim", "dl728")
    q = out.quarantine["positions"]
    assert reason_of(q, 4) == "invalid_enum"
    assert q["appointment_type"].to_list() == ["a plazo fijo"]  # shown as written


def test_mef_government_level_codes(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, [
        ["001", "PRESIDENCIA DEL CONSEJO DE MINISTROS", "E", "ministerio"],
        ["440", "GOBIERNO REGIONAL DEL DEPARTAMENTO DE AMAZONAS", "R", "gobierno regional"],
        ["150101", "MUNICIPALIDAD METROPOLITANA DE LIMA", "M", "Municipalidad Metropolitana de Lima"],
        ["999", "ENTIDAD CON NIVEL RARO", "X", "ministerio"],  # row 5: not a level
    ])
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1", entity="001")])
    out = run_ingest(snap)
    levels = dict(out.staging["entities"].select("entity_id", "government_level").iter_rows())
    assert levels == {"001": "national", "440": "regional", "150101": "local"}
    assert reason_of(out.quarantine["entities"], 5) == "invalid_enum"


# --- 12. formula injection ----------------------------------------------------------------


def test_formula_text_kept_in_staging_and_neutralized_in_quarantine(snap: Path, entities_csv: Path) -> None:
    formula = '=HYPERLINK("x")'
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", title=formula),              # row 2: valid, kept as written
        position("P2", title=formula, pay="abc"),   # row 3: quarantined
        position("P3", title="@SUM(A1)", pay="abc"),  # row 4: quarantined
        position("P4", pay="=1+2"),                 # row 5: quarantined; pay is held as a category
    ])
    out = run_ingest(snap)
    assert by_id(out.staging["positions"], "P1")["position_title"] == formula
    q = out.quarantine["positions"]
    assert reason_of(q, 3) == "non_numeric"
    assert reason_of(q, 4) == "non_numeric"
    assert q.filter(pl.col("source_row") == "3")["position_title"][0] == "'" + formula
    assert q.filter(pl.col("source_row") == "4")["position_title"][0] == "'@SUM(A1)"
    assert q.filter(pl.col("source_row") == "5")["monthly_pay"][0] == "'=1+2"
    # No cell of the exported file starts with a formula character.
    csv_text = (out.result.quarantine_dir / "positions.csv").read_text(encoding="utf-8")
    assert not re.search(r'(^|,)"?[=@]', csv_text, flags=re.MULTILINE)


def test_neutralize_leaves_plain_numbers_alone() -> None:
    from pipelines.ingest.csv_safety import neutralize

    frame = pl.DataFrame({"v": ["-50", "+51", "-1.234,50", "=1+1", "-1+2", "+cmd", "@x", "texto", None]})
    assert neutralize(frame)["v"].to_list() == [
        "-50", "+51", "-1.234,50", "'=1+1", "'-1+2", "'+cmd", "'@x", "texto", None]


# --- 13. a 10 MB field --------------------------------------------------------------------


def test_ten_megabyte_field_is_quarantined_and_cut_in_the_csv(snap: Path, entities_csv: Path) -> None:
    huge = "Director " + "x" * (10 * 1024 * 1024)
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1"), position("P2", title=huge)])
    out = run_ingest(snap)
    q = out.quarantine["positions"]
    assert reason_of(q, 3) == "text_too_long"
    assert out.staging["positions"]["position_id"].to_list() == ["P1"]
    cell = q["position_title"][0]
    assert cell.startswith("Director xxx") and len(cell) < 1_000
    assert str(len(huge)) in cell  # says how long the original was
    assert len(q["reason"][0]) < 1_000
    assert (out.result.quarantine_dir / "positions.csv").stat().st_size < 5_000


# --- 14. binary garbage -------------------------------------------------------------------


def test_binary_garbage_named_csv_stops(snap: Path, entities_csv: Path) -> None:
    (snap / "positions.csv").write_bytes(garbage(with_nul=True))
    with pytest.raises(UnreadableFileError) as info:
        run_ingest(snap)
    assert_stop_message(info.value, "positions.csv", "not a CSV")


def test_binary_garbage_without_nul_bytes_stops(snap: Path, entities_csv: Path) -> None:
    (snap / "positions.csv").write_bytes(garbage(with_nul=False))
    with pytest.raises(UnreadableFileError) as info:
        run_ingest(snap)
    assert_stop_message(info.value, "positions.csv", "not readable text")


# --- missing values and reason priority ---------------------------------------------------


def test_first_reason_in_contract_order_wins_and_all_are_listed(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [
        position("P1", title="", pay="-1"),       # row 2: missing title and negative pay
        position("P2", entity="E999", pay="abc"),  # row 3: non-numeric pay and unknown entity
    ])
    out = run_ingest(snap)
    q = out.quarantine["positions"]
    assert reason_of(q, 2) == "missing_required"
    assert reason_of(q, 3) == "non_numeric"
    row2 = q.filter(pl.col("source_row") == "2")["reason"][0]
    assert "position_title" in row2 and "monthly_pay" in row2
    assert "entity_id" in q.filter(pl.col("source_row") == "3")["reason"][0]


# --- dates --------------------------------------------------------------------------------


def test_date_formats_and_unreadable_dates(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", ["position_id", "entity_id", "position_title", "fecha_inicio"], [
        ["P1", "E001", "Director", "24 jun 2023"],
        ["P2", "E001", "Director", "24/06/2023"],
        ["P3", "E001", "Director", "2023-06-24"],
        ["P4", "E001", "Director", "cuando se designe"],
        ["P5", "E001", "Director", "31/02/2023"],
    ])
    out = run_ingest(snap)
    staged = out.staging["positions"]
    for pid in ("P1", "P2", "P3"):
        assert by_id(staged, pid)["start_date"] == date(2023, 6, 24)
    assert by_id(staged, "P4")["start_date"] is None
    assert by_id(staged, "P5")["start_date"] is None
    report = out.reports["positions.csv"]
    assert (report.rows_valid, report.rows_quarantined) == (5, 0)
    assert report.warnings == {"start_date: unreadable, left empty": 2}


# --- personal data ------------------------------------------------------------------------


NAME = "QUISPE MAMANI, ROSA ELVIRA"
DNI = "41234567"


def _write_people(snap: Path) -> None:
    write_csv(snap / "positions.csv",
              ["position_id", "entity_id", "position_title", "monthly_pay", "apellidos_nombres", "dni"], [
                  ["P1", "E001", "Directora General", "15000", NAME, DNI],
                  ["P2", "E001", "Director de Sistemas", "abc", "TORRES VEGA, LUIS", "09876543"],
              ])


def _all_outputs_text(root: Path) -> list[str]:
    """Every value the run wrote (parquet cells, CSV/JSON text), everywhere but raw/."""
    texts = []
    for path in root.rglob("*"):
        if not path.is_file() or "raw" in path.relative_to(root).parts:
            continue
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            texts.extend(str(v) for col in frame.columns for v in frame[col].to_list())
            texts.extend(frame.columns)
        else:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def test_names_and_raw_dni_never_reach_staging_or_quarantine(snap: Path, entities_csv: Path) -> None:
    _write_people(snap)
    out = run_ingest(snap)
    report = out.reports["positions.csv"]
    assert report.columns_dropped_personal == ["apellidos_nombres"]
    assert "occupant_name" not in out.staging["positions"].columns
    assert "occupant_id" not in out.staging["positions"].columns
    assert "apellidos_nombres" not in out.quarantine["positions"].columns
    assert "dni" not in out.quarantine["positions"].columns
    assert reason_of(out.quarantine["positions"], 3) == "non_numeric"
    texts = _all_outputs_text(out.result.staging_dir.parent.parent)
    assert texts, "the run wrote nothing?"
    for secret in (NAME, "QUISPE", "TORRES VEGA", DNI, "09876543"):
        assert not any(secret in t for t in texts), secret
    keys = out.staging["positions"]["occupant_key"].to_list() + out.quarantine["positions"]["occupant_key"].to_list()
    assert all(re.fullmatch(r"[0-9a-f]{20}", k) for k in keys), keys


def hmac_key(secret: str, normalized_id: str) -> str:
    """HMAC-SHA256 of the normalized ID, first 20 hex characters (pipelines.privacy.pseudonym)."""
    return hmac.new(secret.encode(), normalized_id.encode(), hashlib.sha256).hexdigest()[:20]


def test_occupant_key_is_stable_per_key(snap: Path, entities_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_people(snap)
    first = by_id(run_ingest(snap).staging["positions"], "P1")["occupant_key"]
    again = by_id(run_ingest(snap).staging["positions"], "P1")["occupant_key"]
    assert first == again
    assert first == hmac_key(TEST_KEY, DNI)
    monkeypatch.setenv("SERVIR_PM_KEY", "another-key")
    other = by_id(run_ingest(snap).staging["positions"], "P1")["occupant_key"]
    assert other == hmac_key("another-key", DNI) and other != first


# --- a failed run leaves earlier outputs alone ---------------------------------------------


def test_unreadable_positions_file_leaves_previous_staging_untouched(snap: Path, entities_csv: Path) -> None:
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1"), position("P2", pay="abc")])
    out = run_ingest(snap)
    outputs = sorted(p for d in (out.result.staging_dir, out.result.quarantine_dir) for p in d.iterdir())
    before = {p: p.read_bytes() for p in outputs}
    assert out.result.staging_dir / "positions.parquet" in before

    (snap / "positions.csv").write_bytes(garbage())
    with pytest.raises(UnreadableFileError) as info:
        run_ingest(snap)
    assert_stop_message(info.value, "positions.csv", "not a CSV")
    after = sorted(p for d in (out.result.staging_dir, out.result.quarantine_dir) for p in d.iterdir())
    assert after == outputs
    for path, content in before.items():
        assert path.read_bytes() == content, f"{path} changed"
    manifest = json.loads((out.result.staging_dir / "manifest.json").read_text())
    assert manifest["snapshot"] == SNAPSHOT


# --- real MEF file ------------------------------------------------------------------------


def test_real_mef_registry_validates_without_a_classification() -> None:
    """Issue 12: entity_classification is optional on input (it is inferred in dbt). The real MEF
    file (one row per executing unit; pliego codes repeat) is read as is: the header maps, nothing
    stops, and its 452 rows (README of realdata) split into valid + quarantined."""
    if not REAL_MEF_REGISTRY.exists():
        pytest.skip(f"{REAL_MEF_REGISTRY} is not available (../shared absent)")
    report, quarantined = run_validate(REAL_MEF_REGISTRY, "entities")
    assert report.rows_read == 452
    recognized = report.columns_recognized
    assert recognized["nivel_gobierno"] == "government_level"
    assert recognized["pliego"] == "entity_id" and recognized["pliego_nombre"] == "entity_name"
    assert "entity_classification" not in recognized.values()
    # Only repeated pliego codes are quarantined: no missing value, no invalid level code.
    assert set(quarantined["reason_code"].unique().to_list()) <= {"duplicate_key"}
