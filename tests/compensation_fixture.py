"""A hand-made staging snapshot for the compensation marts (tests/test_compensation.py).

Small on purpose: every figure the tests assert is computed by hand in the test's comments from
the rows below. Run `python tests/compensation_fixture.py <staging_root>` to write it for a manual
`dbt build`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from pipelines.ingest.contract import staging_columns

SNAPSHOT = "2016-05-31"

M = 1_000_000.0

# entity_id, entity_name, government_level, entity_classification, sector, budget_pia, department
ENTITIES: list[tuple[str, str, str, str, str, float, str]] = [
    ("MINA", "Ministerio A", "national", "ministry", "ECONOMIA", 500 * M, "LIMA"),
    ("MINB", "Ministerio B", "national", "ministry", "SALUD", 50 * M, "LIMA"),
    ("OTE", "Organismo Tecnico", "national", "specialized_technical_agency", "ECONOMIA", 30 * M, "LIMA"),
    ("GRC", "Gobierno Regional C", "regional", "regional_government_hq", "GOB. REGIONALES", 800 * M, "CUSCO"),
    ("GRP", "Gobierno Regional P", "regional", "regional_government_hq", "GOB. REGIONALES", 200 * M, "PUNO"),
    ("MUN", "Municipalidad M", "local", "local_government", "GOB. LOCALES", 10 * M, "PUNO"),
]

# position_id, entity_id, title, level, body_type, regime, pay, sex, reports_to, function, direct, indirect
POSITIONS: list[tuple] = [
    # Political-strategic (PS) level 2: ministries' line bodies, regional HQ line bodies (Tables 7/8).
    ("P01", "MINA", "Director General de Politicas", 2, "line", "dl276", 4000.0, "F",
     "public_officer", "substantive", 5, 40),
    ("P02", "MINA", "Director General de Presupuesto", 2, "line", "dl276", 8000.0, "F",
     "public_officer", "substantive", 5, 40),
    ("P03", "MINA", "Director General de Inversiones", 2, "line", "dl276", 12000.0, "M",
     "public_officer", "substantive", 5, 40),
    ("P04", "MINA", "Director General de Tesoro", 2, "line", "dl276", 16000.0, "M",
     "public_officer", "substantive", 5, 40),
    ("P05", "MINB", "Director General de Salud", 2, "line", "dl728", 10000.0, "unknown",
     "public_officer", "substantive", 3, 0),
    ("P06", "GRC", "Gerente Regional de Infraestructura", 2, "line", "cas", 6000.0, "F",
     "public_manager", "substantive", 2, 8),
    ("P07", "GRC", "Gerente Regional de Desarrollo Social", 2, "line", "cas", 7000.0, "M",
     "public_manager", "substantive", 2, 8),
    ("P08", "GRP", "Gerente Regional de Infraestructura", 2, "line", "dl276", 8000.0, "unknown",
     "public_manager", "substantive", 2, 8),
    # Strategic (S) level 2 support bodies; one vacant (never counted as a person).
    ("P09", "MINA", "Jefe de Oficina General de Administracion", 2, "support", "dl728", 9000.0, "unknown",
     "public_officer", "internal_administration", 4, 20),
    ("P10", "MINA", "Jefe de Oficina General de Planeamiento", 2, "support", "dl276", None, "unknown",
     "public_officer", "internal_administration", 4, 20),
    ("P11", "MINB", "Jefe de Oficina General de Administracion", 2, "support", "vacant-row", 9500.0,
     "unknown", "public_officer", "internal_administration", 0, 0),
    # Legal benchmarks (level 1 and PMC).
    ("B01", "MINB", "Secretario General", 1, "senior_management", "dl728", 32000.0, "unknown",
     "public_officer", "internal_administration", 6, 300),
    ("B02", "MINA", "Secretario General", 1, "senior_management", "dl728", 30000.0, "unknown",
     "public_officer", "internal_administration", 6, 300),
    ("B03", "GRC", "Gerente General Regional", 1, "senior_management", "dl276", 17000.0, "unknown",
     "public_officer", "internal_administration", 8, 200),
    ("B04", "GRP", "GERENTA GENERAL REGIONAL", 1, "senior_management", "dl276", 15000.0, "unknown",
     "public_officer", "internal_administration", 8, 200),
    ("B05", "OTE", "Director de Operaciones", 2, "line", "pmc", 19000.0, "unknown",
     "public_manager", "substantive", 10, 60),
    ("B06", "OTE", "Director de Estudios", 2, "line", "pmc", 12000.0, "unknown",
     "public_manager", "substantive", 10, 60),
    ("B07", "OTE", "Gerente General", 1, "senior_management", "dl728", 20000.0, "unknown",
     "public_officer", "internal_administration", 5, 100),
    # Local government: not_determined, still has pay.
    ("L01", "MUN", "Gerente Municipal", 1, "senior_management", "dl276", 5000.0, "unknown",
     "public_officer", "internal_administration", 4, 30),
]


def _frame(rows: list[dict], table: str) -> pl.DataFrame:
    schema = {name: getattr(pl, dtype) for name, dtype in staging_columns(table).items()}
    return pl.DataFrame(rows, schema=schema)


def entities_frame() -> pl.DataFrame:
    rows = [
        {"entity_id": e[0], "entity_name": e[1], "government_level": e[2], "entity_classification": e[3],
         "sector": e[4], "budget_pia": e[5], "department": e[6], "is_type_b": False, "tpm_annex_09": False,
         "total_positions": 100, "data_origin": "test fixture", "source_file": "fixture", "source_row": i}
        for i, e in enumerate(ENTITIES, start=1)
    ]
    return _frame(rows, "entities")


def positions_frame() -> pl.DataFrame:
    rows = []
    for i, p in enumerate(POSITIONS, start=1):
        vacant = p[5] == "vacant-row"
        rows.append({
            "position_id": p[0], "entity_id": p[1], "position_title": p[2], "unit_name": p[2],
            "organizational_level": p[3], "body_type": p[4],
            "appointment_type": "vacant" if vacant else "appointed",
            "labor_regime": "dl276" if vacant else p[5], "monthly_pay": p[6], "sex": p[7],
            "reports_to": p[8], "function_type": p[9], "direct_reports": p[10], "indirect_reports": p[11],
            "occupant_key": None if vacant else f"k{i}", "is_prioritized": p[0] == "P06",
            "data_origin": "test fixture", "source_file": "fixture", "source_row": i,
        })
    return _frame(rows, "positions")


def write_snapshot(staging_root: Path, snapshot: str = SNAPSHOT) -> Path:
    folder = staging_root / snapshot
    folder.mkdir(parents=True, exist_ok=True)
    entities_frame().write_parquet(folder / "entities.parquet")
    positions_frame().write_parquet(folder / "positions.parquet")
    return folder


if __name__ == "__main__":
    print(write_snapshot(Path(sys.argv[1])))
