"""How long does the dbt build take on a 2016-sized snapshot, and how much of it is dbt start-up?

Generates a synthetic staging snapshot of ~11,000 positions on ~370 entities (the size of SERVIR's
2016 exercise) in a temp data dir, then times:
  - `dbt --version` (process start-up + imports) and `dbt parse` (project parse, no partial parse),
  - `build()` in-process: dbt build (seeds, models, data tests) + the export of every mart.
Run: python -m benchmarks.bench_build [--positions N] [--unit-tests]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from pipelines import paths
from tests.staging_io import write_snapshot

SNAPSHOT = "2016-05-31"
SEED = 20160531

# (classification, government level, how many type-A entities) roughly like the 2016 registry.
ENTITY_MIX = [
    ("ministry", "national", 19), ("specialized_technical_agency", "national", 40),
    ("public_executing_agency", "national", 30), ("regulatory_agency", "national", 4),
    ("administrative_system_body", "national", 6), ("constitutionally_autonomous_agency", "national", 14),
    ("judicial_branch", "national", 30), ("social_security_fund", "national", 1),
    ("legislative_branch", "national", 1), ("state_company", "national", 6),
    ("regional_government_hq", "regional", 25), ("regional_public_agency", "regional", 11),
    ("metropolitan_municipality_lima", "local", 1),
]
TYPE_B = [("program", 120), ("special_project", 40), ("decentralized_body", 22)]
LEVELS = ([1, 2, 3, 4, None], [0.03, 0.28, 0.41, 0.26, 0.02])
BODIES = (["senior_management", "line", "consultative", "decentralized", "support", "advisory",
           "institutional_control", "judicial_defense"], [0.02, 0.33, 0.03, 0.16, 0.28, 0.12, 0.03, 0.03])
TITLES = ["Gerente Regional de Desarrollo Económico", "Gerente Regional de Desarrollo Social",
          "Gerente Regional de Infraestructura", "Director General", "Jefe de Oficina", "Director"]
SECTORS = ["10 EDUCACION", "09 ECONOMIA Y FINANZAS", "11 SALUD", "01 PRESIDENCIA CONSEJO MINISTROS", None]


def synthetic_snapshot(positions: int, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    entities: list[dict[str, object]] = []
    for group, (classification, level, count) in enumerate(ENTITY_MIX):
        for i in range(count):
            entities.append({
                "entity_id": f"A{group:02d}{i:03d}", "entity_name": f"{classification} {i}",
                "government_level": level, "entity_classification": classification,
                "sector": SECTORS[int(rng.integers(len(SECTORS)))], "tpm_annex_09": bool(rng.random() < 0.3),
                "total_positions": int(rng.integers(50, 5000)),
            })
    parents = [e for e in entities if e["entity_classification"] in ("ministry", "regional_government_hq")]
    for group, (classification, count) in enumerate(TYPE_B):
        for i in range(count):
            parent = parents[int(rng.integers(len(parents)))]
            entities.append({
                "entity_id": f"B{group:02d}{i:03d}", "entity_name": f"{classification} {i}",
                "government_level": parent["government_level"], "entity_classification": classification,
                "parent_entity_id": parent["entity_id"], "is_type_b": True, "sector": parent["sector"],
                "total_positions": int(rng.integers(20, 800)),
            })
    ids = [e["entity_id"] for e in entities]
    frame = pl.DataFrame({
        "position_id": [f"P{i:06d}" for i in range(positions)],
        "entity_id": rng.choice(ids, positions).tolist(),
        "position_title": rng.choice(TITLES, positions).tolist(),
        "organizational_level": rng.choice(np.array(LEVELS[0], dtype=object), positions,
                                           p=LEVELS[1]).tolist(),
        "body_type": rng.choice(BODIES[0], positions, p=BODIES[1]).tolist(),
        "appointment_type": rng.choice(["appointed", "merit", "interim", "vacant"], positions,
                                       p=[0.7, 0.15, 0.1, 0.05]).tolist(),
        "monthly_pay": rng.uniform(3000, 18000, positions).round(2).tolist(),
    })
    return pl.DataFrame(entities, infer_schema_length=None), frame


def _seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=paths.PROJECT_ROOT, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=11_003)
    parser.add_argument("--unit-tests", action="store_true", help="also run the dbt unit tests")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="servir_bench_") as tmp:
        root = Path(tmp)
        os.environ.update({"SERVIR_PM_DATA": str(root), "SERVIR_PM_WAREHOUSE": str(root / "warehouse.duckdb"),
                           "SERVIR_PM_STAGING": str(root / "staging")})
        entities, positions = synthetic_snapshot(args.positions, np.random.default_rng(SEED))
        write_snapshot(SNAPSHOT, entities, positions)
        env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        dbt = str(Path(sys.executable).with_name("dbt"))
        project = ["--project-dir", str(paths.PROJECT_ROOT), "--profiles-dir", str(paths.PROJECT_ROOT)]
        startup = _seconds([dbt, "--version"], env)
        parse = _seconds([dbt, "parse", "--no-partial-parse", *project], env)

        from pipelines.build.warehouse import build  # after the env is set: paths are read at call time

        started = time.perf_counter()
        result = build(SNAPSHOT, unit_tests=args.unit_tests)
        total = time.perf_counter() - started

    build_label = "build(): dbt build in-process" + (" + unit tests" if args.unit_tests else "")
    rows = [
        ("dbt start-up (dbt --version, subprocess)", startup),
        ("dbt parse (--no-partial-parse, subprocess)", parse),
        (build_label, result.dbt_seconds),
        ("  of which dbt execution (seeds, models, tests)", result.dbt_execution_seconds),
        (f"build(): export of {len(result.files)} files", result.export_seconds),
        ("build() total", total),
    ]
    print(f"snapshot: {positions.height:,} positions on {entities.height} entities (synthetic)")
    for label, seconds in rows:
        print(f"{label:<48}{seconds:7.2f} s")

if __name__ == "__main__":
    main()
