"""export._write_snapshot with the position lists copied by DuckDB in a worker thread."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import paths
from pipelines.build import export, export_rows
from pipelines.errors import BuildError

SNAPSHOT = "2016-05-31"


@pytest.fixture()
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> duckdb.DuckDBPyConnection:
    """A position list of 5,000 rows stored out of order, one other snapshot's row, no rules."""
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(export, "check_reviewed", lambda frames: None)  # made-up marts: no rules
    monkeypatch.setattr(export, "sheet_limit", lambda: 10)  # the list gets a note, not a sheet
    con = duckdb.connect()
    con.execute(f"create table mart_list as select '{SNAPSHOT}' as snapshot, "
                "printf('P-%05d', 4999 - i) as position_id, "
                "case when i % 7 = 0 then '=t' || i else 't' || i end as title, i / 3 as pay from range(5000) t(i) "
                "union all select '2016-11-30', 'P-00001', 'x', 1.0")
    return con


def test_the_worker_thread_writes_the_bytes_copy_mart_writes_alone(warehouse: duckdb.DuckDBPyConnection,
                                                                   tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    assert export_rows.copy_mart(warehouse, "mart_list", SNAPSHOT, alone) == 5000
    written = export._write_snapshot(SNAPSHOT, None, warehouse, ["mart_list"])
    assert [p.name for p in written] == ["mart_list.csv", "mart_list.parquet", "marts.xlsx"]
    for name in ("mart_list.csv", "mart_list.parquet"):
        assert (paths.marts_dir(SNAPSHOT) / name).read_bytes() == (alone / name).read_bytes()


def test_a_failing_copy_leaves_the_published_snapshot_as_it_was(warehouse: duckdb.DuckDBPyConnection,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    export._write_snapshot(SNAPSHOT, None, warehouse, ["mart_list"])
    before = {p.name: p.read_bytes() for p in paths.marts_dir(SNAPSHOT).iterdir()}

    def fails(*args: object) -> int:
        raise BuildError(problem="disk full", fix="free some space")

    monkeypatch.setattr(export_rows, "copy_mart", fails)
    with pytest.raises(BuildError, match="disk full"):
        export._write_snapshot(SNAPSHOT, None, warehouse, ["mart_list"])
    assert {p.name: p.read_bytes() for p in paths.marts_dir(SNAPSHOT).iterdir()} == before
