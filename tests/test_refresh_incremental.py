"""Incremental history (issue 16): a refresh that adds or replaces snapshots builds only the ones
its change affects, on a copy of the published warehouse, and publishes what a full build of every
snapshot would publish.

The module starts from the sample's first snapshot (A) published by the session's refresh
(tests/conftest.py `published_refresh`, shared with tests/test_refresh.py), then adds a second one
(B, the sample evolved six months) with an incremental refresh; each test compares with a full build
(`servir-pm build`, dbt --full-refresh over every staged snapshot) of the same staging, or changes a
copy. End to end through the command line, as the scheduler runs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import CLI, REFRESH_SNAPSHOT, cli_env, copy_dbt_project, use_data_dir

from pipelines.build import export, stamp
from pipelines.build.dbt_runner import run_dbt
from pipelines.build.warehouse import build
from pipelines.errors import BuildError
from pipelines.refresh import kind, publish
from pipelines.refresh.plan import code_fingerprint, plan
from pipelines.sample.evolve import evolve_snapshot

A, B = REFRESH_SNAPSHOT, "2016-11-30"


def _env(root: Path) -> dict[str, str]:
    return cli_env(root)


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([CLI, *args], env=_env(root), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _last_run(root: Path) -> dict:
    return json.loads((root / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copy2)
    return target


def _mart_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root / "marts")): p.read_bytes()
            for p in sorted((root / "marts").rglob("*")) if p.is_file()}


def _tables(warehouse: Path, prefix: str = "mart_") -> dict[str, pl.DataFrame]:
    """Every table named `prefix...`, whole, with floats at the published precision and rows sorted
    (export.canonical): DuckDB's parallel sums may differ in their last bits from run to run."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where starts_with(table_name, ?) order by 1",
            [prefix]).fetchall()]
        return {name: export.canonical(con.sql(f'select * from "{name}"').pl()) for name in names}


def _full_build_of(root: Path, target: Path) -> Path:
    """A copy of `root` rebuilt from scratch from the same staging: `servir-pm build` (every staged
    snapshot, dbt --full-refresh), which exports every snapshot's marts again."""
    full = _copy(root, target)
    shutil.rmtree(full / "marts")
    (full / "warehouse.duckdb").unlink()
    _cli(full, "build")
    return full


def _assert_same_outputs(root: Path, full: Path) -> None:
    files, expected = _mart_files(root), _mart_files(full)
    assert sorted(files) == sorted(expected)
    assert [name for name in files if files[name] != expected[name]] == []
    tables, expected_tables = _tables(root / "warehouse.duckdb"), _tables(full / "warehouse.duckdb")
    assert sorted(tables) == sorted(expected_tables)
    assert [name for name, frame in tables.items() if not frame.equals(expected_tables[name])] == []


@pytest.fixture(scope="module")
def published_a(published_refresh: Path) -> Path:
    """A published by one refresh (tests/conftest.py, shared by the session): read it, never write."""
    return published_refresh


@pytest.fixture(scope="module")
def added_b(published_a: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published, then B added by a second refresh."""
    root = _copy(published_a, tmp_path_factory.mktemp("incremental") / "ab")
    evolve_snapshot(root / "raw" / A, root / "raw" / B, snapshot_date=B)
    _cli(root, "refresh", "--min-age", "0")
    return root


pytestmark = pytest.mark.slow  # refreshes and dbt builds of the sample: `make test-all`


def test_the_first_publish_is_a_full_build(published_a: Path) -> None:
    assert _last_run(published_a)["build"] == {"kind": "full", "reason": "every snapshot is affected"}
    built = stamp.read(published_a / "warehouse.duckdb")
    assert built is not None and (built.kind, built.snapshots) == ("full", (A,))


def test_adding_a_snapshot_builds_it_alone_and_publishes_what_a_full_build_does(
        added_b: Path, tmp_path: Path) -> None:
    run = _last_run(added_b)
    assert run["build"] == {"kind": "incremental", "reason": f"1 of 2 snapshots rebuilt: {B}"}
    assert run["published"] == [B]
    with duckdb.connect(str(added_b / "warehouse.duckdb"), read_only=True) as con:
        staged = con.sql("select distinct snapshot from stg_registry__positions").fetchall()
        kept = con.sql("select distinct snapshot from int_position_history order by 1").fetchall()
    assert staged == [(B,)]  # staging and intermediate tables hold the batch; history keeps both
    assert kept == [(A,), (B,)]
    _assert_same_outputs(added_b, _full_build_of(added_b, tmp_path / "full"))


def test_a_replaced_snapshot_replaces_its_rows(added_b: Path, tmp_path: Path) -> None:
    root = _copy(added_b, tmp_path / "replaced")
    positions = root / "raw" / B / "positions.csv"
    lines = positions.read_text(encoding="utf-8").splitlines(keepends=True)
    positions.write_text("".join(lines[:-40]), encoding="utf-8")  # B's new extract lost 40 positions
    _cli(root, "refresh", "--min-age", "0")
    assert _last_run(root)["build"]["kind"] == "incremental"
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        headline = con.sql("select snapshot, management_positions from mart_headline_figures order by 1").fetchall()
        history = con.execute("select count(*) from int_position_history where snapshot = ?", [B]).fetchone()
    assert [s for s, _ in headline] == [A, B]  # one row per snapshot: B's old row is gone
    assert history == (len(lines) - 1 - 40,)  # the sample quarantines nothing
    _assert_same_outputs(root, _full_build_of(root, tmp_path / "full"))


def test_a_withdrawn_snapshot_leaves_every_table(added_b: Path, tmp_path: Path) -> None:
    root = _copy(added_b, tmp_path / "withdrawn")
    shutil.rmtree(root / "raw" / B)
    _cli(root, "refresh", "--min-age", "0")
    assert _last_run(root)["build"] == {"kind": "full", "reason": f"withdrawn: {B}"}
    tables = {**_tables(root / "warehouse.duckdb"), **_tables(root / "warehouse.duckdb", "int_position_history")}
    assert len(tables) > 30
    holding_b = [name for name, frame in tables.items() if B in frame["snapshot"].to_list()]
    holding_a = [name for name, frame in tables.items() if A in frame["snapshot"].to_list()]
    assert holding_b == []
    assert "mart_headline_figures" in holding_a and "int_position_history" in holding_a


def test_a_warehouse_built_by_other_rules_is_rebuilt_whole(
        added_b: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed edited in a copy of the project: the warehouse it built is never extended."""
    root = _copy(added_b, tmp_path / "rules")
    project = copy_dbt_project(tmp_path / "project")
    labels = project / "seeds" / "rules" / "classification_rules.csv"
    labels.write_text(labels.read_text(encoding="utf-8").replace(
        "T7-MIN-3-SA,national,ministry,3,support_advisory,PM,OS,",
        "T7-MIN-3-SA,national,ministry,3,support_advisory,CA,,"), encoding="utf-8")
    use_data_dir(monkeypatch, root)
    build(project_dir=project, export_marts=False)
    built = stamp.read(root / "warehouse.duckdb")
    assert built is not None and built.code_fingerprint == code_fingerprint(project) != code_fingerprint()
    state = publish.read_state()
    evolve_snapshot(root / "raw" / B, root / "raw" / "2017-05-31", snapshot_date="2017-05-31")
    the_plan = plan(state)
    assert not the_plan.rebuild_all and list(the_plan.changed) == ["2017-05-31"]  # the repo's code is unchanged
    decided = kind.decide(the_plan, state, root / "warehouse.duckdb")
    assert decided == kind.BuildKind("full", "the published warehouse was built by other code or rules")
    with pytest.raises(BuildError, match="incremental build needs a warehouse built by this code"):
        build(incremental=True, export_marts=False)


def test_a_mart_whose_columns_changed_fails_an_incremental_run(
        added_b: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A code change forces a full build (the fingerprint); should a mart with other columns reach an
    incremental run all the same (dbt started by hand), the run fails (macros/snapshot_rows.sql)
    instead of inserting its rows into the table's columns by position."""
    root = _copy(added_b, tmp_path / "columns")
    project = copy_dbt_project(tmp_path / "project")
    model = project / "models" / "marts" / "mart_headline_figures.sql"
    model.write_text("select *, 1 as extra_column from (\n" + model.read_text(encoding="utf-8") + "\n)",
                     encoding="utf-8")
    use_data_dir(monkeypatch, root)
    before = _tables(root / "warehouse.duckdb")["mart_headline_figures"]
    with pytest.raises(BuildError, match="differ from its table"):
        run_dbt(["run", "--select", "mart_headline_figures"], project_dir=project)
    assert _tables(root / "warehouse.duckdb")["mart_headline_figures"].equals(before)
