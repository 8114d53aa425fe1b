"""Helpers to build small snapshots on disk and to ingest them with the accounting checks, and the
session's shared end-to-end data, each made once per session (the slow modules read them or copy them):
- `published_sample`: the embedded sample built (dbt + export), see tests/published_sample.py;
- `published_refresh`: the sample's first snapshot at scale 0.1 published by `servir-pm refresh`.

Every test that ingests goes through `run_ingest` / `run_validate`, which assert the contract's
promise for each file: rows_read == rows_valid + rows_quarantined, and (for a snapshot) that the
quarantine CSV holds exactly rows_quarantined rows for that file.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from session_data import made_once

# Under pytest-xdist each worker process gets its own dbt target folder (target/gw0, target/gw1):
# two dbt runs at once would otherwise write the same partial_parse.msgpack, manifest.json and
# run_results.json, and a test could read the other worker's half-written file. The CLI
# subprocesses the tests start inherit it.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("SERVIR_PM_DBT_TARGET", f"target/{os.environ['PYTEST_XDIST_WORKER']}")

SNAPSHOT = "2020-01-31"
TEST_KEY = "test-key"
CLI = str(Path(sys.executable).with_name("servir-pm"))
REFRESH_SNAPSHOT = "2016-05-31"  # the snapshot `published_refresh` publishes

ENTITY_HEADER = ["entity_id", "entity_name", "government_level", "entity_classification"]
ENTITY_ROWS = [
    ["E001", "Ministerio de Economía y Finanzas", "national", "ministry"],
    ["E002", "Gobierno Regional de Cusco", "regional", "regional_government_hq"],
]
POSITION_HEADER = ["position_id", "entity_id", "position_title", "organizational_level", "monthly_pay"]


def position(pid: str, title: str = "Director General", entity: str = "E001", level: str = "2",
             pay: str = "15000") -> list[str]:
    return [pid, entity, title, level, pay]


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Outputs go to a tmp data dir; the pseudonym key is a fixed secret so keys are reproducible
    in a test (the fixtures are not marked synthetic: the public default key would be refused)."""
    root = tmp_path / "data"
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    monkeypatch.delenv("SERVIR_PM_SALT", raising=False)
    monkeypatch.setenv("SERVIR_PM_KEY", TEST_KEY)
    return root


def use_data_dir(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Every output of the pipeline under `root`, with the test pseudonym key."""
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
    monkeypatch.setenv("SERVIR_PM_STAGING", str(root / "staging"))
    monkeypatch.setenv("SERVIR_PM_REPORTS", str(root / "reports"))
    monkeypatch.delenv("SERVIR_PM_SALT", raising=False)
    monkeypatch.setenv("SERVIR_PM_KEY", TEST_KEY)


@pytest.fixture(scope="session")
def published_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample generated, ingested and built (dbt + export) ONCE per session, with a second
    snapshot staged by hand (tests/published_sample.py). Read it, never write into it: a test or module
    that changes files works on `copy_published(published_sample, its_own_folder)`."""
    from published_sample import build_published_sample

    def make(root: Path) -> None:
        with pytest.MonkeyPatch.context() as monkeypatch:
            use_data_dir(monkeypatch, root)
            build_published_sample()

    return made_once(tmp_path_factory, "published_sample", make)


def cli_env(root: Path) -> dict[str, str]:
    """The environment of a `servir-pm` command on the data folder `root`: this process's, without
    any SERVIR_PM_ setting of the caller but this worker's dbt target folder, with the test
    pseudonym key."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVIR_PM_") or k == "SERVIR_PM_DBT_TARGET"}
    env.update({"SERVIR_PM_DATA": str(root), "SERVIR_PM_REPORTS": str(root / "reports"), "SERVIR_PM_KEY": TEST_KEY})
    return env


@pytest.fixture(scope="session")
def published_refresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's first snapshot (REFRESH_SNAPSHOT, scale 0.1) published by one
    `servir-pm refresh --min-age 0` through the command line, as the scheduler runs it (ingest, dbt
    with every test, export, reports), ONCE per session: test_refresh and test_refresh_incremental
    both start from it. Read it, never write into it: a test that changes files works on a copy
    (shutil.copytree with copy2, which keeps the modification times a no-change refresh compares)."""
    from pipelines.sample import generate_sample

    def make(folder: Path) -> None:
        root = folder / "data"
        generate_sample(root / "raw" / REFRESH_SNAPSHOT, scale=0.1, snapshot_date=REFRESH_SNAPSHOT)
        # --min-age 0: the files were generated a moment ago (the refresh waits 120 s by default).
        done = subprocess.run([CLI, "refresh", "--min-age", "0"], env=cli_env(root), capture_output=True,
                              text=True, timeout=900, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

    return made_once(tmp_path_factory, "published_refresh", make) / "data"


def copy_published(published: Path, target: Path) -> Path:
    """A private copy of the published sample's data folder (copy2 keeps modification times)."""
    shutil.copytree(published, target, copy_function=shutil.copy2, dirs_exist_ok=True)
    return target


@pytest.fixture
def snap(data_root: Path) -> Path:
    """An empty snapshot folder named like a date (the test writes the files)."""
    folder = data_root / "raw" / SNAPSHOT
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def entities_csv(snap: Path) -> Path:
    """A minimal valid entities file in the snapshot."""
    return write_csv(snap / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)


@dataclass
class Ingested:
    result: object  # pipelines.ingest.snapshot.SnapshotResult
    staging: dict[str, pl.DataFrame]
    quarantine: dict[str, pl.DataFrame]  # as read back from the quarantine CSV, all text
    reports: dict[str, object]  # file name -> FileReport


def assert_accounting(report) -> None:  # type: ignore[no-untyped-def]
    """rows counted from the file's bytes (without the parser) = rows read = valid + quarantined."""
    assert report.rows_counted is not None and report.rows_counted == report.rows_read, report
    assert report.rows_read == report.rows_valid + report.rows_quarantined, report
    assert sum(report.quarantined_by_reason.values()) == report.rows_quarantined


def read_quarantine(path: Path) -> pl.DataFrame:
    if path.stat().st_size == 0:
        return pl.DataFrame()
    return pl.read_csv(path, infer_schema=False)


def run_ingest(snapshot_dir: Path) -> Ingested:
    from pipelines.ingest.snapshot import ingest_snapshot

    result = ingest_snapshot(snapshot_dir)
    staging = {t: pl.read_parquet(result.staging_dir / f"{t}.parquet") for t in ("entities", "positions")}
    quarantine = {t: read_quarantine(result.quarantine_dir / f"{t}.csv") for t in ("entities", "positions")}
    reports = {}
    for report in result.files:
        assert_accounting(report)
        name = Path(report.file).name
        q = quarantine[report.table]
        in_csv = q.filter(pl.col("source_file") == name).height if q.width else 0
        assert in_csv == report.rows_quarantined, (name, in_csv, report.rows_quarantined)
        in_staging = staging[report.table].filter(pl.col("source_file") == name).height
        assert in_staging == report.rows_valid, (name, in_staging, report.rows_valid)
        reports[name] = report
    for table in ("entities", "positions"):
        total_q = sum(r.rows_quarantined for r in result.files if r.table == table)
        assert (quarantine[table].height if quarantine[table].width else 0) == total_q
    return Ingested(result, staging, quarantine, reports)


def run_validate(path: Path, table: str):  # type: ignore[no-untyped-def]
    """`validate_file` with the accounting checks; returns (report, quarantined frame)."""
    from pipelines.ingest.snapshot import validate_file

    report, quarantined = validate_file(path, table)
    assert_accounting(report)
    assert quarantined.height == report.rows_quarantined
    return report, quarantined


def reason_of(quarantine: pl.DataFrame, source_row: int) -> str:
    """The reason_code of the quarantined row with this source_row (exactly one must exist)."""
    hit = quarantine.filter(pl.col("source_row").cast(pl.Int64) == source_row)
    assert hit.height == 1, f"expected one quarantined row at source_row {source_row}, got {hit.height}"
    return hit["reason_code"][0]


def copy_dbt_project(target: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, generic tests) a test may edit: rules are
    data, so a test changes a seed row there and builds with build(project_dir=...)."""
    from pipelines import paths

    for item in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/generic"):
        source = paths.PROJECT_ROOT / item
        if source.is_dir():
            shutil.copytree(source, target / item)
        else:
            (target / item).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / item)
    return target
