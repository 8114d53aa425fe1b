"""marts.load / marts.list on exported files (no dbt needed)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.build import export, marts
from pipelines.ingest.csv_safety import neutralize


@pytest.fixture
def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path))
    for snapshot, rows in (("2016-05-31", 1), ("2025-03-31", 2), ("draft", 3)):
        folder = tmp_path / "marts" / snapshot
        folder.mkdir(parents=True)
        pl.DataFrame({"snapshot": [snapshot] * rows}).write_parquet(folder / "mart_pm_roles.parquet")
    return tmp_path


def test_load_takes_the_latest_dated_snapshot_and_either_name(exported: Path) -> None:
    assert marts.load("pm_roles").height == 2  # 2025-03-31 is the latest date
    assert marts.load("mart_pm_roles", snapshot="2016-05-31").height == 1
    assert marts.snapshots() == ["draft", "2016-05-31", "2025-03-31"]


def test_list_shows_each_snapshot_and_mart(exported: Path) -> None:
    listing = marts.list()
    assert listing.select("snapshot", "mart", "rows").rows() == [
        ("draft", "mart_pm_roles", 3), ("2016-05-31", "mart_pm_roles", 1), ("2025-03-31", "mart_pm_roles", 2)]


def test_unknown_mart_names_what_exists(exported: Path) -> None:
    with pytest.raises(FileNotFoundError, match="mart_pm_roles"):
        marts.load("tpm")


def test_neutralize_formulas_only_touches_text_starting_a_formula() -> None:
    frame = pl.DataFrame({"t": ["=1+1", "+51 999", "-x", "@SUM(A1)", "ok", None], "n": [-1, 2, 3, 4, 5, 6]})
    out = neutralize(frame)
    assert out["t"].to_list() == ["'=1+1", "'+51 999", "'-x", "'@SUM(A1)", "ok", None]
    assert out["n"].to_list() == frame["n"].to_list()


def test_a_mart_too_large_for_excel_gets_a_note_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Shrink the limit instead of writing a million rows: 3 rows do not fit a "2-row" sheet.
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 3)
    from openpyxl import load_workbook

    frames = {"mart_reconciliation": pl.DataFrame({"snapshot": ["s"] * 3, "x": [1, 2, 3]}),
              "mart_unclassified": pl.DataFrame({"snapshot": ["s"], "x": [1]})}
    export._write_workbook(tmp_path / "m.xlsx", frames)
    book = load_workbook(tmp_path / "m.xlsx")
    big = [c.value for row in book["mart_reconciliation"].iter_rows() for c in row]
    assert big[0] == "note" and "3 rows, more than an Excel sheet holds (2)" in big[1]
    assert [c.value for c in next(book["mart_unclassified"].iter_rows())] == ["snapshot", "x", "is_suppressed"]


def test_export_memory_budget_defaults_to_the_profiles_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One default, written in profiles.yml: the export reads it there (a hand-made profile says 3GB).
    profile = tmp_path / "profiles.yml"
    profile.write_text("      settings:\n        memory_limit: \"{{ env_var('SERVIR_PM_DUCKDB_MEMORY', '3GB') }}\"\n",
                       encoding="utf-8")
    assert export.default_memory(profile) == "3GB"
    monkeypatch.setattr(export, "default_memory", lambda: "3GB")
    monkeypatch.delenv(export.MEMORY_ENV, raising=False)
    assert export.duckdb_memory() == "3GB"
    monkeypatch.setenv(export.MEMORY_ENV, "5GB")
    assert export.duckdb_memory() == "5GB"


def test_a_profile_without_the_memory_default_is_a_clear_error(tmp_path: Path) -> None:
    from pipelines.errors import BuildError

    profile = tmp_path / "profiles.yml"
    profile.write_text("      settings:\n        memory_limit: 1GB\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no memory_limit default"):
        export.default_memory(profile)


def test_position_level_csv_defuses_formulas_as_neutralize_does(tmp_path: Path) -> None:
    # DuckDB writes the position-level CSVs (export_rows): its defusing must agree with csv_safety's.
    import duckdb

    from pipelines.build import export_rows

    texts = ["=1+1", "+51 999", "-12.5", "+7", "@x", "abc", None, "\tTAB"]
    con = duckdb.connect()
    con.execute("create table mart_made_up (snapshot varchar, position_title varchar)")
    con.executemany("insert into mart_made_up values ('s', ?)", [[t] for t in texts])
    export_rows.copy_mart(con, "mart_made_up", "s", tmp_path)
    written = pl.read_csv(tmp_path / "mart_made_up.csv", schema_overrides={"position_title": pl.String})
    expected = neutralize(pl.DataFrame({"position_title": texts}))["position_title"].to_list()
    def order(values: list[str | None]) -> list[str | None]:
        return sorted(values, key=lambda v: (v is None, v or ""))
    assert order(written["position_title"].to_list()) == order(expected)
    assert "'=1+1" in expected and "-12.5" in expected  # the reference does defuse, and spares numbers
