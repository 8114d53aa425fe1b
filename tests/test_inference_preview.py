"""`servir-pm validate` tells early what the title inference will make of a positions file.

Expected counts are derived by hand from SERVIR 2016 (seed 000) for four real gob.pe titles.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_csv
from typer.testing import CliRunner

from pipelines.cli import app


def test_validate_previews_the_title_inference(data_root: Path, tmp_path: Path) -> None:
    entities = write_csv(tmp_path / "entidades.csv", ["codigo_entidad", "entidad", "nivel_gobierno", "clasificacion"],
                         [["E1", "Ministerio de Salud", "E", "ministerio"]])
    positions = write_csv(tmp_path / "puestos.csv",
                          ["codigo_puesto", "codigo_entidad", "cargo", "nivel_organizacional", "tipo_organo"], [
        # Given in the file: level 2, line body.
        ["P1", "E1", "Director General de Salud Ambiental", "2", "Órgano de línea"],
        # Table 19 (000:1415): general head of office = level 2; administration = support (000:353).
        ["P2", "E1", "Jefa de la Oficina General de Administración", "", ""],
        # Not the head of a body or unit (000:332).
        ["P3", "E1", "ASESOR LEGAL", "", ""],
        # No rule can read it: to review.
        ["P4", "E1", "Personal de confianza", "", ""],
    ])
    result = CliRunner().invoke(app, ["validate", str(positions), "--entities", str(entities)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "level and body type given in the file: 1 (25%)" in out
    assert "read from the title with confidence:    2 (50%)" in out
    assert "1 not management positions" in out
    assert "to review (servir-pm review after the run): 1 (25%)" in out
    assert "Personal de confianza" in out.split("Most frequent titles to review:")[1]
