"""The real embedded snapshot embedded/2025-01-31 (issue 12 item 3): what it promises in its README
and series.json, checked against the files themselves (no dbt; ingestion of the entities file only)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from conftest import run_validate

from pipelines.embedded.snapshots import EMBEDDED_ROOT
from pipelines.ingest.normalize import map_headers
from pipelines.refresh.series import read_series

FOLDER = EMBEDDED_ROOT / "2025-01-31"


def test_series_is_real_and_apart_from_the_sample() -> None:
    info = read_series(FOLDER)
    assert (info.series, info.origin) == ("gobpe-directorio", "real")


def test_readme_states_provenance_licenses_and_coverage() -> None:
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    for must in ("January 2025", "MichaelSuarez0/funcionarios_publicos", "MIT", "a20121248/scrapy-transparencia",
                 "public government data", "not every", "No pay", "no occupant condition"):
        assert must.lower() in text.lower(), must


def test_files_are_small_and_carry_no_classification_and_no_personal_data() -> None:
    assert sum(p.stat().st_size for p in FOLDER.iterdir()) < 3_000_000
    entities = pl.read_csv(FOLDER / "entidades.csv", n_rows=1)
    assert "entity_classification" not in map_headers(entities.columns, "entities").recognized.values()
    positions = map_headers(pl.read_csv(FOLDER / "puestos.csv", n_rows=1).columns, "positions")
    assert set(positions.recognized.values()) == {"position_id", "entity_name", "position_title", "start_date"}
    assert not positions.dropped_personal and not positions.ignored


def test_entities_file_validates_whole(tmp_path: Path) -> None:
    report, quarantined = run_validate(FOLDER / "entidades.csv", "entities")
    assert report.rows_read == report.rows_valid and quarantined.height == 0
