"""Entity classification inferred from real names (issue 12): hand-labelled real MEF and Portal de
Transparencia (PTE) names -> expected classification and government level.

Names are copied from ../shared/realdata (pte_entidades.tsv, derived_registro_GN_sector_pliego_ue.csv)
with the columns those files give: PTE gives tipo_poder (branch) and no level; MEF gives the level
code (here already read as `national`) and abbreviates ('M. DE', 'U.N.'); MEF executing units have
a parent pliego. Each expectation says why, from the law or SERVIR 2016 (seed 000), never from the
model's output. `review` marks entities a person must confirm (low confidence or nothing placed).
The module builds once: ingestion's name key -> staging Parquet -> dbt (seeds, staging,
int_entities_classified, mart_entities_to_review, their data and unit tests).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from staging_io import write_snapshot

from pipelines.build.dbt_runner import run_dbt
from pipelines.ingest.names import name_key, with_name_key

SNAPSHOT = "2025-01-31"
EXE, AUT, JUD, LEG, REG, LOC = ("Poder Ejecutivo", "Organismos autónomos", "Poder Judicial",
                                "Poder Legislativo", "Gobiernos regionales", "Gobiernos locales")

# (id, name as written, branch, level given, parent, expected classification, expected level, review?, why)
CASES = [
    ("P143", "MINISTERIO DE SALUD (MINSA)", EXE, None, None, "ministry", "national", False, "LOPE: ministry"),
    ("P1", "PRESIDENCIA DEL CONSEJO DE MINISTROS (PCM)", EXE, None, None, "ministry", "national", False,
     "Ley 29158 art. 17: PCM is a ministry"),
    ("P2", "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACIÓN TRIBUTARIA (SUNAT)", EXE, None, None,
     "specialized_technical_agency", "national", False, "D.S. 058-2011-PCM lists SUNAT as an OTE"),
    ("P3", "ORGANISMO SUPERVISOR DE LA INVERSIÓN EN ENERGÍA Y MINERÍA (OSINERGMIN)", EXE, None, None,
     "regulatory_agency", "national", False, "Ley 27332: regulator"),
    ("P3b", "ORGANISMO SUPERVISOR DE INVERSIÓN PRIVADA EN TELECOMUNICACIONES (OSIPTEL)", EXE, None, None,
     "regulatory_agency", "national", False, "Ley 27332: regulator"),
    ("P9b", "SERVICIOS INDUSTRIALES DE LA MARINA IQUITOS S.R.LTDA. (SIMA-IQUITOS S.R.L.)", EXE, None, None,
     "state_company", "national", False, "a commercial company of the State: state company (000:314)"),
    ("P4", "SUPERINTENDENCIA NACIONAL DE SERVICIOS DE SANEAMIENTO (SUNASS)", EXE, None, None,
     "regulatory_agency", "national", False, "Ley 27332: regulator"),
    ("P5", "AUTORIDAD NACIONAL DEL SERVICIO CIVIL (SERVIR)", EXE, None, None, "administrative_system_body",
     "national", False, "D.Leg. 1023: SERVIR governs the HR administrative system"),
    ("P6", "INSTITUTO NACIONAL DE ESTADÍSTICA E INFORMÁTICA (INEI)", EXE, None, None,
     "specialized_technical_agency", "national", False, "D.S. 058-2011-PCM: INEI is an OTE"),
    ("P107", "SEGURO SOCIAL DE SALUD (ESSALUD)", EXE, None, None, "social_security_fund", "national", False,
     "Table 1 'administrative bodies of intangible funds' (000:312); Table 7 row 8"),
    ("P8", "PROGRAMA NACIONAL CUNA MÁS (PNCM)", EXE, None, None, "program", "national", False,
     "Table 1 Programs (000:310)"),
    ("P9", "SERVICIOS INDUSTRIALES DE LA MARINA S.A. (SIMA-PERÚ S.A.)", EXE, None, None, "state_company",
     "national", False, "a sociedad anónima of the State: state company (000:314)"),
    ("P10", "BANCO DE LA NACIÓN (BN)", EXE, None, None, "state_company", "national", False,
     "Banco de la Nación is a state company (FONAFE)"),
    ("P146", "BANCO CENTRAL DE RESERVA DEL PERÚ (BCRP)", AUT, None, None, "central_reserve_bank", "national",
     False, "outside Ley 30057 (004:1174)"),
    ("P11", "UNIVERSIDAD NACIONAL MAYOR DE SAN MARCOS (UNMSM)", AUT, None, None, "public_university",
     "national", False, "not in Table 1 (000:304-317): own class"),
    ("P12", "UNIVERSIDAD NACIONAL DE INGENIERÍA (UNI)", AUT, None, None, "public_university", "national",
     False, "idem"),
    ("P13", "LA CONTRALORÍA GENERAL DE LA REPÚBLICA (CGR)", AUT, None, None,
     "constitutionally_autonomous_agency", "national", False, "Const. art. 82"),
    ("P14", "DEFENSORÍA DEL PUEBLO (DP)", AUT, None, None, "constitutionally_autonomous_agency", "national",
     False, "Const. art. 161"),
    ("P15", "JURADO NACIONAL DE ELECCIONES (JNE)", AUT, None, None, "constitutionally_autonomous_agency",
     "national", False, "Const. art. 177"),
    ("P10044", "MINISTERIO PÚBLICO FISCALÍA DE LA NACIÓN (MPFN)", AUT, None, None,
     "constitutionally_autonomous_agency", "national", False, "Const. art. 158: not a ministry"),
    ("P147", "SUPERINTENDENCIA DE BANCA, SEGUROS Y ADMINISTRADORAS PRIVADAS DE FONDOS DE PENSIONES (SBS)", AUT,
     None, None, "constitutionally_autonomous_agency", "national", False, "Const. art. 87"),
    ("P16", "PODER JUDICIAL (PJ)", JUD, None, None, "judicial_branch", "national", False, "Table 7 row 7"),
    ("P17", "CORTE SUPERIOR DE JUSTICIA DE LORETO (D.J. LORETO)", JUD, None, None, "judicial_branch", "national",
     False, "footnote 54 (000:1033): Superior Courts are Judicial Branch units"),
    ("P18", "CONGRESO DE LA REPÚBLICA", LEG, None, None, "legislative_branch", "national", False,
     "Legislative Branch (000:315)"),
    ("P19", "GOBIERNO REGIONAL DE AREQUIPA (GRA)", REG, None, None, "regional_government_hq", "regional", False,
     "Table 8 row 1"),
    ("P20", "GOBIERNO REGIONAL LA LIBERTAD-GERENCIA REGIONAL DE AGRICULTURA (GRLL- GRSA)", REG, None, None,
     "decentralized_body", "regional", False, "a regional management with its own registry row"),
    ("P21", "DIRECCIÓN REGIONAL DE SALUD CUSCO", REG, None, None, "decentralized_body", "regional", False,
     "regional health directorate: decentralized body of the GR"),
    ("P22", "UNIDAD DE GESTIÓN EDUCATIVA LOCAL CHEPÉN", REG, None, None, "decentralized_body", "regional", False,
     "UGEL: decentralized body of the regional education directorate"),
    ("P73", "ZONA FRANCA Y ZONA COMERCIAL DE TACNA (ZOFRATACNA)", REG, None, None, "regional_public_agency",
     "regional", False, "Table 8 row 3: public agency of a regional government"),
    ("P23", "PROYECTO ESPECIAL BINACIONAL PUYANGO TUMBES", REG, None, None, "special_project", "regional", False,
     "Table 1 Special projects (000:311)"),
    ("P1434", "MUNICIPALIDAD METROPOLITANA DE LIMA (MUNLIMA)", LOC, None, None, "metropolitan_municipality_lima",
     "regional", False, "Table 8 row 2: Lima is read with regional governments"),
    ("P24", "MUNICIPALIDAD DISTRITAL DE MIRAFLORES", LOC, None, None, "local_government", "local", False,
     "a municipality"),
    ("P25", "SERVICIO DE ADMINISTRACIÓN TRIBUTARIA (SAT)", LOC, None, None, "local_government", "local", True,
     "an agency of a local government: local (no table), but which type is not said by the name"),
    ("P26", "HOSPITAL MARÍA AUXILIADORA (HMA)", EXE, None, None, "decentralized_body", "national", True,
     "a MINSA executing unit listed without its parent: to confirm"),
    ("P27", "MARINA DE GUERRA DEL PERÚ (MGP)", EXE, None, None, None, "national", True,
     "no rule of Table 1 names the armed forces: left to an analyst"),
    ("M1", "M. DE ENERGIA Y MINAS", None, "national", None, "ministry", "national", False,
     "MEF's 'M. DE' is a ministry"),
    ("M2", "U.N. DE SAN AGUSTIN", None, "national", None, "public_university", "national", False,
     "MEF's 'U.N.' is a national university"),
    ("M3", "SERVICIO NACIONAL DE SANIDAD AGRARIA - SENASA", None, "national", None,
     "specialized_technical_agency", "national", True, "SENASA is an OTE, but 'SERVICIO NACIONAL' is broad"),
    ("M4", "INSTITUTO NACIONAL PENITENCIARIO", None, "national", None, "public_executing_agency", "national",
     True, "INPE is an executing body; 'INSTITUTO' is broad"),
    ("U1", "HOSPITAL NACIONAL ARZOBISPO LOAYZA", None, "national", "M9", "decentralized_body", "national", True,
     "an executing unit of MINSA: decentralized body (any UE), low confidence"),
    ("U2", "PROGRAMA NACIONAL DE SANEAMIENTO RURAL", None, "national", "M9", "program", "national", False,
     "a program executing unit"),
    ("U3", "CORTE SUPERIOR DE JUSTICIA DE AREQUIPA", None, "national", "M10", "judicial_branch", "national",
     False, "footnote 54"),
    ("N1", "Gobierno Regional de Cusco", None, None, None, "regional_government_hq", "regional", False,
     "the name says regional government"),
    ("N2", "Municipalidad Provincial de Arequipa", None, None, None, "local_government", "local", False,
     "the name says municipality"),
    ("N3", "Organismo de Evaluación y Fiscalización Ambiental", None, None, None, None, None, True,
     "no branch, no level, and the name does not say the level: left to an analyst"),
]


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict]]:
    root = tmp_path_factory.mktemp("data")
    entities = with_name_key(pl.DataFrame(
        [{"entity_id": c[0], "entity_name": c[1], "branch": c[2], "government_level": c[3],
          "parent_entity_id": c[4]} for c in CASES], schema_overrides={"government_level": pl.Utf8,
                                                                       "parent_entity_id": pl.Utf8}))
    positions = [{"position_id": "X1", "entity_id": "P27", "position_title": "Jefe"}]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVIR_PM_DATA", str(root))
        mp.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
        mp.setenv("SERVIR_PM_STAGING", str(root / "staging"))
        write_snapshot(SNAPSHOT, entities, positions)
        run_dbt(["build", "--select", "+mart_entities_to_review", "entity_classifications",
                 "--indirect-selection", "cautious"])
        import duckdb

        con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        try:
            rows = con.sql("select * from int_entities_classified").pl().to_dicts()
            review = con.sql("select * from mart_entities_to_review").pl().to_dicts()
        finally:
            con.close()
        yield {"entities": {r["entity_id"]: r for r in rows}, "review": {r["entity_id"]: r for r in review}}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_name_is_classified_as_the_law_says(classified: dict, case: tuple) -> None:
    eid, name, _branch, given_level, _parent, expected_class, expected_level, review, why = case
    row = classified["entities"][eid]
    assert (row["entity_classification"], row["government_level"]) == (expected_class, expected_level), why
    assert row["needs_review"] is review, why
    assert (eid in classified["review"]) is review
    assert row["entity_classification_source"] == ("inferred" if expected_class else "missing")
    assert row["government_level_source"] == ("input" if given_level else "inferred" if expected_level
                                              else "missing")
    assert row["entity_name_key"] == name_key(name)


@pytest.mark.slow
def test_review_mart_shows_what_hangs_on_the_decision(classified: dict) -> None:
    navy = classified["review"]["P27"]
    assert navy["suggestion"] is None and navy["why"] == "classification_missing"
    assert navy["positions"] == 1  # the one position given to it above
    senasa = classified["review"]["M3"]
    assert senasa["suggestion"] == "specialized_technical_agency" and senasa["confidence"] == "low"
    assert senasa["why"].startswith("classification_low_confidence (entity_classification_patterns 80)")


def test_overrides_keys_are_the_normalized_names() -> None:
    """The product matches overrides on entity_name_key: each row's key must be what ingestion
    writes for its name, or the override silently never applies."""
    from pipelines.paths import PROJECT_ROOT

    seed = pl.read_csv(PROJECT_ROOT / "seeds" / "inference" / "entity_classification_overrides.csv",
                       infer_schema=False)
    product = seed.filter(pl.col("applies_to") != "sample")
    for key, name in product.select("entity_name_key", "entity_name").iter_rows():
        assert key == name_key(name), name
    assert product["entity_name_key"].is_unique().all()
