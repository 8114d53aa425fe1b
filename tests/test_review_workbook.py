"""The review workbook without a build: hand-made review marts -> workbook -> filled -> applied.

Checks what the analyst sees (Spanish headers, biggest first) and what `--apply` writes to the
decision seeds (canonical values an analyst never has to type), for titles and for entities.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import ContractError
from pipelines.review import entities as review_entities
from pipelines.review import workbook as review

SNAPSHOT = "2025-01-31"


@pytest.fixture
def marts_dir(data_root: Path) -> Path:
    folder = data_root / "marts" / SNAPSHOT
    folder.mkdir(parents=True)
    pl.DataFrame({
        "snapshot": [SNAPSHOT] * 2, "snapshot_date": [None, None], "title_key": ["director", "jefe oficina logistica"],
        "unit_key": ["", ""], "entity_classification": ["ministry", "public_executing_agency"],
        "government_level": ["national"] * 2, "example_title": ["DIRECTORA", "Jefe de la Oficina de Logistica"],
        "example_unit": [None, None], "example_entity": ["MINSA", "SIS"], "positions": [3, 12], "entities": [1, 1],
        "suggested_reading": ["management", "management"], "suggested_level": [3, 2],
        "suggested_body_type": ["line", "support"], "counted_as": ["PM", "PM"],
        "inference_rule": ["MG-DIRECTOR-BARE", "U-OFFICE"], "inference_confidence": ["low", "low"],
        "why": ["a bare Director", "level 2 or 3"], "unmatched": [None, None],
    }).write_parquet(folder / "mart_positions_to_review.parquet")
    pl.DataFrame({
        "snapshot": [SNAPSHOT], "entity_id": ["PTE-1"], "entity_name": ["UNIVERSIDAD NACIONAL DE SAN MARTIN"],
        "entity_name_key": ["UNIVERSIDAD NACIONAL DE SAN MARTIN"], "branch": ["Organismos autónomos"],
        "sector": [None], "government_level": ["national"], "suggestion": [None], "confidence": [None],
        "why": ["classification_missing"], "candidates": [None], "positions": [40],
    }).write_parquet(folder / "mart_entities_to_review.parquet")
    return folder


def _fill(path: Path, sheet_name: str, key_column: str, key: str, answers: dict[str, object]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index(key_column) + 1).value == key)
    for column, value in answers.items():
        sheet.cell(row, header.index(column) + 1).value = value
    book.save(path)


def _empty_seed(path: Path, columns: tuple[str, ...]) -> Path:
    path.write_text(",".join(columns) + "\n", encoding="utf-8")
    return path


def test_workbook_lists_titles_biggest_first_with_spanish_words(marts_dir: Path, tmp_path: Path) -> None:
    path, keys, positions = review.write_workbook(tmp_path / "r.xlsx", SNAPSHOT)
    assert (keys, positions) == (2, 15)
    titles = pl.read_excel(path, sheet_name=review.SHEET, infer_schema_length=0)
    assert titles["titulo_normalizado"].to_list() == ["jefe oficina logistica", "director"]
    assert titles["sugerencia_lectura"].to_list() == ["puesto directivo"] * 2
    assert titles["sugerencia_tipo_organo"].to_list() == ["Órgano de apoyo", "Órgano de línea"]
    entities = pl.read_excel(path, sheet_name=review_entities.ENTITY_SHEET, infer_schema_length=0)
    assert entities["entidad"].to_list() == ["UNIVERSIDAD NACIONAL DE SAN MARTIN"]


def test_filled_workbook_writes_canonical_decisions_for_titles_and_entities(marts_dir: Path, tmp_path: Path) -> None:
    path, _, _ = review.write_workbook(tmp_path / "r.xlsx", SNAPSHOT)
    _fill(path, review.SHEET, "titulo_normalizado", "director",
          {"decision_lectura": "no es puesto directivo", "decidido_por": "ana"})
    _fill(path, review_entities.ENTITY_SHEET, "clave_nombre", "UNIVERSIDAD NACIONAL DE SAN MARTIN",
          {"decision_clasificacion": "Universidad pública", "decision_nivel_gobierno": "nacional"})
    titles = _empty_seed(tmp_path / "titles.csv", review.DECISION_COLUMNS)
    entities = _empty_seed(tmp_path / "entities.csv", review_entities.DECISION_COLUMNS)
    done = review.apply_workbook(path, titles, entities)
    assert (done.added, done.replaced, done.entities_decided) == (1, 0, 1)
    title = pl.read_csv(titles, infer_schema=False).row(0, named=True)
    assert (title["decision_id"], title["reading"], title["organizational_level"]) == (
        "director||ministry", "not_management", "")
    entity = pl.read_csv(entities, infer_schema=False).row(0, named=True)
    assert (entity["entity_name_key"], entity["entity_classification"], entity["government_level"]) == (
        "UNIVERSIDAD NACIONAL DE SAN MARTIN", "public_university", "national")
    again = review.apply_workbook(path, titles, entities)
    assert (again.added, again.replaced, again.entities_decided) == (0, 0, 0)


def test_an_entity_decision_outside_the_list_names_its_row(marts_dir: Path, tmp_path: Path) -> None:
    path, _, _ = review.write_workbook(tmp_path / "r.xlsx", SNAPSHOT)
    _fill(path, review_entities.ENTITY_SHEET, "clave_nombre", "UNIVERSIDAD NACIONAL DE SAN MARTIN",
          {"decision_clasificacion": "Universidad privada"})
    titles = _empty_seed(tmp_path / "titles.csv", review.DECISION_COLUMNS)
    entities = _empty_seed(tmp_path / "entities.csv", review_entities.DECISION_COLUMNS)
    with pytest.raises(ContractError, match="Excel row 2"):
        review.apply_workbook(path, titles, entities)
