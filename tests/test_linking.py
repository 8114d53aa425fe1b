"""Linking positions to entities by institution name (issue 12 item 2), on real names.

Entity names are copied from ../shared/realdata/pte_entidades.tsv (Portal de Transparencia) and
derived_registro_GN_sector_pliego_ue.csv (MEF, which abbreviates 'M. DE', 'U.N.'); institution
names from gobpe_funcionarios_cargos_sin_datos_personales.csv (gob.pe directory, 2025-01). Each
expectation was checked by hand: same entity -> links; different entity with a similar name ->
must not link (quarantined as unknown_entity, with the closest names as candidates).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import reason_of, run_ingest, run_validate, write_csv

from pipelines.ingest.linking import link_positions
from pipelines.ingest.names import with_name_key

ENTITIES = [  # (entity_id, name as the registry writes it)
    ("PTE-143", "MINISTERIO DE SALUD (MINSA)"),
    ("PTE-10", "MINISTERIO DEL AMBIENTE (MINAM)"),
    ("PTE-1434", "MUNICIPALIDAD METROPOLITANA DE LIMA (MUNLIMA)"),
    ("PTE-9", "GOBIERNO REGIONAL DE LORETO (GOREL)"),
    ("PTE-8", "GOBIERNO REGIONAL LA LIBERTAD-GERENCIA REGIONAL DE AGRICULTURA (GRLL- GRSA)"),
    ("PTE-7", "LA CONTRALORÍA GENERAL DE LA REPÚBLICA (CGR)"),
    ("PTE-6", "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACIÓN TRIBUTARIA (SUNAT)"),
    ("PTE-5", "CORTE SUPERIOR DE JUSTICIA DE LIMA (CSJLI)"),
    ("MEF-10-510", "U.N. DE SAN AGUSTIN"),
    ("MEF-08-008", "M. DE RELACIONES EXTERIORES"),
]

# (institution as gob.pe writes it, entity it must link to or None = must not link)
CASES = [
    ("Ministerio de Salud", "PTE-143"),
    ("Ministerio del Ambiente", "PTE-10"),
    ("Municipalidad Metropolitana de Lima", "PTE-1434"),
    ("Gobierno Regional Loreto", "PTE-9"),  # gob.pe drops the 'de'
    ("Contraloría General de la República", "PTE-7"),  # PTE adds the article 'LA'
    ("Superintendencia Nacional de Aduanas y de Administración Tributaria", "PTE-6"),
    ("Universidad Nacional de San Agustín", "MEF-10-510"),  # MEF's 'U.N.'
    ("Ministerio de Relaciones Exteriores", "MEF-08-008"),  # MEF's 'M. DE'
    # Near misses: another entity with a similar name, never linked.
    ("Gobierno Regional de Lima", None),  # not the Metropolitan Municipality of Lima
    ("Ministerio de Energía y Minas", None),  # not the Ministry of the Environment
    ("Gobierno Regional La Libertad", None),  # the headquarters, not its agriculture management
    ("Corte Superior de Justicia de Lima Norte", None),  # not the Lima court
    ("Ministerio de Salud - Hospital Santa Rosa", None),
]


def _link(entities: list[tuple[str, str]], institutions: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    ents = with_name_key(pl.DataFrame(entities, schema=["entity_id", "entity_name"], orient="row"))
    pos = with_name_key(pl.DataFrame({"entity_id": [None] * len(institutions), "entity_name": institutions},
                                     schema={"entity_id": pl.Utf8, "entity_name": pl.Utf8}))
    empty = pl.DataFrame(schema={"entity_id": pl.Utf8, "entity_name": pl.Utf8, "source_row": pl.Int64})
    result = link_positions(pos, ents, empty)
    return result.typed, result.findings


def test_real_institution_names_link_only_to_the_same_entity() -> None:
    typed, findings = _link(ENTITIES, [c[0] for c in CASES])
    assert typed["entity_id"].to_list() == [c[1] for c in CASES]
    unlinked = [i for i, c in enumerate(CASES) if c[1] is None]
    assert findings["row"].to_list() == unlinked
    assert set(findings["reason_code"]) == {"unknown_entity"}


def test_mef_abbreviation_and_pte_acronym_are_one_name() -> None:
    """'M. DE SALUD' (MEF) and 'MINISTERIO DE SALUD (MINSA)' (PTE) are the same entity name."""
    typed, findings = _link([("MEF-11-011", "M. DE SALUD")], ["Ministerio de Salud", "MINISTERIO DE SALUD (MINSA)"])
    assert typed["entity_id"].to_list() == ["MEF-11-011", "MEF-11-011"] and findings.height == 0


def test_unknown_institution_lists_the_closest_entities() -> None:
    _typed, findings = _link(ENTITIES, ["Gobierno Regional de Lima", "Ministerio de Energía y Minas"])
    lima, minem = findings["reason"].to_list()
    assert "matches no entity" in lima and "MUNICIPALIDAD METROPOLITANA DE LIMA (MUNLIMA) [PTE-1434]" in lima
    # At most 3 candidates, the ministries first (they share 'MINISTERIO').
    candidates = minem.split("closest: ")[1].split("; fix:")[0].split("; ")
    assert len(candidates) <= 3 and all(c.startswith(("MINISTERIO", "M. DE")) for c in candidates)


def test_two_entities_with_one_name_link_neither() -> None:
    typed, findings = _link([("A", "MINISTERIO DE SALUD (MINSA)"), ("B", "M. DE SALUD")], ["Ministerio de Salud"])
    assert typed["entity_id"].to_list() == [None]
    assert findings["reason_code"].to_list() == ["unknown_entity"]
    assert "matches 2 entities" in findings["reason"][0] and "A, B" in findings["reason"][0]


@pytest.fixture
def named_snapshot(snap: Path) -> Path:
    write_csv(snap / "entidades.csv", ["codigo_entidad", "entidad", "nivel_gobierno", "tipo_poder"], [
        ["PTE-143", "MINISTERIO DE SALUD (MINSA)", "", "Poder Ejecutivo"],  # row 2
        ["PTE-10", "MINISTERIO DEL AMBIENTE (MINAM)", "galáctico", "Poder Ejecutivo"],  # row 3: invalid level
    ])
    write_csv(snap / "puestos.csv", ["codigo_puesto", "institucion", "cargo"], [
        ["G1", "Ministerio de Salud", "Director General de Salud Ambiental"],  # row 2: links
        ["G2", "Ministerio del Ambiente", "Jefe de la Oficina General de Administración"],  # row 3
        ["G3", "Ministerio de Energía y Minas", "Director General de Minería"],  # row 4
    ])
    return snap


def test_ingestion_links_by_name_and_tells_quarantined_from_unknown(named_snapshot: Path) -> None:
    out = run_ingest(named_snapshot)
    assert reason_of(out.quarantine["entities"], 3) == "invalid_enum"
    assert out.staging["positions"].select("position_id", "entity_id").rows() == [("G1", "PTE-143")]
    q = out.quarantine["positions"]
    assert reason_of(q, 3) == "entity_quarantined"
    assert reason_of(q, 4) == "unknown_entity"
    minem = q.filter(pl.col("source_row") == "4")["reason"][0]
    assert "closest: MINISTERIO" in minem
    # The entities file gives no classification and a branch: accepted (inferred later in dbt).
    assert out.staging["entities"]["branch"].to_list() == ["Poder Ejecutivo"]


def test_position_with_the_id_of_a_quarantined_entity(snap: Path) -> None:
    write_csv(snap / "entities.csv", ["entity_id", "entity_name", "government_level"], [
        ["E1", "MINISTERIO DE SALUD", "national"], ["E2", "MINISTERIO DEL AMBIENTE", "galactic"]])
    write_csv(snap / "positions.csv", ["position_id", "entity_id", "position_title"], [
        ["P1", "E2", "Director"], ["P2", "E9", "Director"]])
    q = run_ingest(snap).quarantine["positions"]
    assert reason_of(q, 2) == "entity_quarantined"
    assert reason_of(q, 3) == "unknown_entity"


def test_validate_accepts_a_positions_file_with_names_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "puestos.csv", ["codigo_puesto", "institucion", "cargo"],
                     [["G1", "Ministerio de Salud", "Director General"]])
    report, quarantined = run_validate(path, "positions")
    assert report.rows_valid == 1 and quarantined.height == 0


def test_a_name_differing_only_by_stopwords_links_when_unique() -> None:
    """gob.pe 'Unidad de Gestión Educativa Local de Fajardo' is PTE 'UNIDAD DE GESTIÓN EDUCATIVA LOCAL
    DE FAJARDO (UGELF)'... and 'UNIDAD GESTION EDUCATIVA LOCAL HUACAYBAMBA (UGEL HUACAYBAMBA)' is
    gob.pe's 'Unidad de Gestión Educativa Local Huacaybamba' (real pairs of the two files)."""
    entities = [("PTE-18840", "UNIDAD GESTION EDUCATIVA LOCAL HUACAYBAMBA (UGEL HUACAYBAMBA)"),
                ("PTE-13281", "GERENCIA REGIONAL DE EDUCACIÓN MOQUEGUA (GREM)"),
                ("PTE-13282", "GERENCIA REGIONAL DE EDUCACIÓN AREQUIPA (GREA)")]
    typed, findings = _link(entities, ["Unidad de Gestión Educativa Local Huacaybamba",
                                       "Gerencia Regional de Educación de Moquegua",
                                       "Gerencia Regional de Educación Cusco"])
    assert typed["entity_id"].to_list() == ["PTE-18840", "PTE-13281", None]
    assert findings["row"].to_list() == [2]
