"""The Data Docs site: great-expectations runs the same table checks as ingestion, through a
Checkpoint, on the staged Parquet, and writes a static site under the snapshot's staging folder."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.ingest.data_docs import run_checkpoint
from tests.conftest import ENTITY_HEADER, POSITION_HEADER, SNAPSHOT, position, run_ingest, write_csv


def test_checkpoint_agrees_with_ingestion_and_writes_a_static_site(snap: Path) -> None:
    # E002's parent is unknown: the entities' reference check fails, in both executions.
    write_csv(snap / "entities.csv", [*ENTITY_HEADER, "parent_entity_id"], [
        ["E001", "Ministerio de Economía y Finanzas", "national", "ministry", ""],
        ["E002", "Gobierno Regional de Cusco", "regional", "regional_government_hq", "E404"]])
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1"), position("P2", pay="2500")])
    out = run_ingest(snap)
    before = (out.result.staging_dir / "positions.parquet").read_bytes()
    index, outcomes = run_checkpoint(SNAPSHOT)
    report = json.loads((out.result.staging_dir / "validation_report.json").read_text(encoding="utf-8"))
    for table in ("entities", "positions"):
        ingested = sorted((r["expectation"], r["kwargs"].get("column"), r["success"]) for r in report[table]["results"])
        assert sorted(outcomes[table], key=str) == sorted(ingested, key=str)
    assert ("expect_column_values_to_be_in_set", "parent_entity_id", False) in outcomes["entities"]
    assert ("expect_column_median_to_be_between", "monthly_pay", True) in outcomes["positions"]
    assert index == out.result.staging_dir / "data_docs" / "index.html" and index.is_file()
    pages = {p.name for p in index.parent.rglob("*.html")}
    assert {"entities_table.html", "positions_table.html"} <= pages  # the suites
    assert len([p for p in index.parent.rglob("*.html") if "validations" in p.parts]) == 2  # one run per table
    assert (out.result.staging_dir / "positions.parquet").read_bytes() == before
    # Offline: nothing remote is loaded, no script needs a CDN, the index lists its pages as links.
    for page in index.parent.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and 'src="http' not in text and "stylesheet\" href=\"http" not in text
    front = index.read_text(encoding="utf-8")
    for page in index.parent.rglob("*.html"):
        if page != index:
            assert f'href="{page.relative_to(index.parent).as_posix()}"' in front
    assert 'Validation of entities_table</a> <strong class="failed">failed' in front
