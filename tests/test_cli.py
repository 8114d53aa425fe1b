"""The command line as an analyst uses it: help, readable reports, clear stops, exit codes."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()
SHARED = Path(__file__).resolve().parents[2] / "shared"
MEF_REGISTRY = SHARED / "realdata" / "derived_registro_GN_sector_pliego_ue.csv"

ENTITIES = "codigo_entidad,entidad,nivel_gobierno,tipo_entidad\n010,MINISTERIO DE EDUCACION,E,Ministerio\n"
POSITIONS = (
    "codigo_puesto,codigo_entidad,cargo,nivel,tipo_organo,remuneracion\n"
    "P1,010,Director General,2,Órgano de línea,\"S/ 12,345.67\"\n"
    "P2,010,Jefe de Oficina,3,Órgano de apoyo,abc\n"
    "P3,999,Director,3,Órgano de línea,9000\n"
)


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path / "data"))
    folder = tmp_path / "raw" / "2020-01-31"
    folder.mkdir(parents=True)
    (folder / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (folder / "positions.csv").write_text(POSITIONS, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["validate", "ingest", "run"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_ingest_prints_the_accounting_per_file(snapshot: Path) -> None:
    result = runner.invoke(app, ["ingest", str(snapshot)])
    assert result.exit_code == 0, result.output
    # positions: 3 read = 1 valid + 2 quarantined (non_numeric pay, unknown entity)
    line = next(x for x in result.output.splitlines() if "positions.csv" in x and "positions" in x.split("│")[2])
    cells = [c.strip() for c in line.split("│") if c.strip()]
    assert cells[2:5] == ["3", "1", "2"]
    assert "non_numeric 1" in line and "unknown_entity 1" in result.output


def test_validate_reports_columns_and_problems_without_writing(snapshot: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(snapshot / "positions.csv"), "--table", "positions"])
    assert result.exit_code == 0, result.output
    assert "remuneracion" in result.output and "monthly_pay" in result.output
    assert "Rows read 3 = valid 2 + quarantined 1" in result.output  # no entity check in validate
    assert "found 'abc'" in result.output
    assert not (tmp_path / "data" / "staging").exists()


def test_unreadable_file_stops_with_file_problem_and_fix_not_a_traceback(snapshot: Path) -> None:
    (snapshot / "positions.csv").write_bytes(b"\x00\x01\x02garbage\x00" * 100)
    result = runner.invoke(app, ["ingest", str(snapshot)])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "positions.csv" in out and "not a CSV" in out and "Fix:" in out
    assert "Traceback" not in result.output


def test_missing_snapshot_folder_is_a_clear_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path))
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.skipif(not MEF_REGISTRY.exists(), reason="../shared/realdata is not beside this checkout")
def test_validate_real_mef_registry_maps_columns_and_needs_no_classification() -> None:
    result = runner.invoke(app, ["validate", str(MEF_REGISTRY), "--table", "entities"])
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    # Hand-read from the file's header: pliego, pliego_nombre, nivel_gobierno are contract aliases;
    # it has no classification column, which entities no longer require (issue 12: inferred in dbt).
    # One row per executing unit: 452 rows, pliego codes repeat (README of realdata).
    assert "missing required" not in out
    for header, column in (("pliego", "entity_id"), ("pliego_nombre", "entity_name"),
                           ("nivel_gobierno", "government_level")):
        assert f"│ {header} │ {column} │ alias │" in out
    assert "Rows read 452" in out and "duplicate_key" in out
