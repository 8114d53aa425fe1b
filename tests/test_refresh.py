"""`servir-pm refresh` end to end, through the command line as the scheduler runs it.

The module starts from the session's published sample snapshot (tests/conftest.py
`published_refresh`: one refresh of the sample at scale 0.1, ingest, dbt with every test, reports,
shared with tests/test_refresh_incremental.py); each test then works on its own copy of that data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CLI, REFRESH_SNAPSHOT, cli_env

A, B = REFRESH_SNAPSHOT, "2016-11-30"


pytestmark = pytest.mark.slow  # a published refresh per module, several rebuilds: `make test-all`


def _env(root: Path) -> dict[str, str]:
    return cli_env(root)  # the key the session's published sample was made with (tests/conftest.py)


def _cli(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=_env(root), capture_output=True, text=True, timeout=timeout,
                          check=False)


def _outputs(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every published file: size, modification time (ns) and SHA-256. Inputs, the run log, the
    lock and scratch space are not outputs."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or relative.parts[0] in ("raw", ".work", ".locks") or relative.name == "runs.jsonl":
            continue
        stat = path.stat()
        found[str(relative)] = (stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def _runs(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def published(published_refresh: Path) -> Path:
    """A published by one refresh (tests/conftest.py, shared by the session): read it, never write."""
    return published_refresh


@pytest.fixture
def data(published: Path, tmp_path: Path) -> Path:
    """A private copy of the published data folder (copy2 keeps modification times)."""
    root = tmp_path / "data"
    shutil.copytree(published, root, copy_function=shutil.copy2)
    return root


def test_first_refresh_publishes_everything_and_records_its_inputs(published: Path) -> None:
    state = json.loads((published / "published.json").read_text(encoding="utf-8"))
    inputs = state["snapshots"][A]["inputs"]
    for name in ("entities.csv", "positions.csv"):
        assert inputs[name]["sha256"] == hashlib.sha256((published / "raw" / A / name).read_bytes()).hexdigest()
    assert (published / "marts" / A / "mart_history_trends.parquet").is_file()
    assert (published / "reports" / A / "index.html").is_file()
    assert (published / "warehouse.duckdb").is_file()
    start, end = _runs(published)
    assert (start["event"], end["event"], end["outcome"]) == ("start", "end", "success")
    assert end["counts"][A]["positions"]["rows_read"] == end["counts"][A]["positions"]["rows_valid"] > 0
    assert end["counts"]["dbt_tests_passed"] > 0
    assert not list((published / ".work").glob("refresh-*"))  # scratch space cleaned up


def test_no_change_refresh_leaves_every_output_untouched(data: Path) -> None:
    before = _outputs(data)
    done = _cli(data, "refresh")
    assert done.returncode == 0, done.stderr
    assert "Nothing changed" in done.stdout
    assert _outputs(data) == before  # same bytes and modification times
    assert _runs(data)[-1]["outcome"] == "no_change"


def test_no_change_path_loads_neither_dbt_nor_the_data_libraries(data: Path) -> None:
    """Why the no-change refresh is fast (timed in `make bench`): it never imports them."""
    probe = ("import sys\nfrom pipelines.refresh.cycle import refresh\nresult = refresh()\n"
             "heavy = sorted(m for m in ('dbt', 'duckdb', 'polars', 'great_expectations', 'papermill') "
             "if m in sys.modules)\nprint(result.outcome, heavy)")
    done = subprocess.run([sys.executable, "-c", probe], env=_env(data), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.stdout.strip() == "no_change []", done.stderr


def test_touched_but_identical_input_is_not_a_change(data: Path) -> None:
    positions = data / "raw" / A / "positions.csv"
    os.utime(positions, ns=(time.time_ns(), time.time_ns()))
    before = _outputs(data)
    assert _cli(data, "refresh", "--min-age", "0").returncode == 0
    assert _outputs(data) == before


def test_killed_refresh_keeps_last_good_outputs_and_the_next_run_completes(data: Path) -> None:
    before = _outputs(data)
    shutil.copytree(data / "raw" / A, data / "raw" / B)  # a new snapshot arrives
    running = subprocess.Popen([CLI, "refresh", "--min-age", "0"], env=_env(data), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        step = _wait_for_step(data, "build", running)
        # While it runs, a second refresh is refused at once with exit code 5 and changes nothing.
        second = _cli(data, "refresh", timeout=30)
        assert second.returncode == 5, second.stdout + second.stderr
        assert "another run is in progress" in second.stderr
        assert _runs(data)[-1]["outcome"] == "locked"
    finally:
        os.killpg(running.pid, signal.SIGKILL)  # kill -9 the refresh and its children mid-build
        running.wait(timeout=30)
    assert step == "build"
    assert _outputs(data) == before  # last good outputs untouched, still readable
    status = json.loads(_cli(data, "status", "--json").stdout)
    assert status["last_build"]["outcome"] == "interrupted"  # started, never ended

    rerun = _cli(data, "refresh", "--min-age", "0", timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after = _outputs(data)
    assert f"marts/{B}/mart_position_changes.parquet" in after and f"reports/{B}/index.html" in after
    # B is later than A, so A's marts and reports were not rebuilt: same bytes, same times.
    for name, facts in before.items():
        if name.startswith((f"marts/{A}/", f"reports/{A}/", f"staging/{A}/")):
            assert after[name] == facts, name
    assert not list((data / ".work").glob("refresh-*"))
    state = json.loads((data / "published.json").read_text(encoding="utf-8"))
    assert sorted(state["snapshots"]) == [A, B]


def _wait_for_step(root: Path, wanted: str, process: subprocess.Popen[str], timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for step_file in (root / ".work").glob("refresh-*/STEP"):
            step = step_file.read_text(encoding="utf-8")
            if step == wanted:
                return step
        if process.poll() is not None:
            pytest.fail(f"refresh ended before reaching {wanted!r}: {process.stdout.read() if process.stdout else ''}")
        time.sleep(0.05)
    pytest.fail(f"refresh did not reach step {wanted!r} in {timeout} s")


def test_bad_new_input_fails_publishes_nothing_and_calls_the_failure_command(data: Path) -> None:
    before = _outputs(data)
    bad = data / "raw" / B
    bad.mkdir()
    shutil.copy2(data / "raw" / A / "entities.csv", bad / "entities.csv")
    (bad / "positions.csv").write_text("cargo,remuneracion\nDirector,100\n", encoding="utf-8")
    alert = data.parent / "alert.txt"
    hook = f'echo "$SERVIR_PM_EXIT_CODE|$SERVIR_PM_FAILED_STEP|$SERVIR_PM_RUN_ID" > {alert}'
    done = _cli(data, "refresh", "--min-age", "0", "--on-failure", hook)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Fix:" in done.stderr
    assert _outputs(data) == before
    failed = _runs(data)[-1]
    assert (failed["outcome"], failed["failed_step"], failed["exit_code"]) == ("failed", f"ingest {B}", 2)
    assert alert.read_text(encoding="utf-8").strip() == f"2|ingest {B}|{failed['run_id']}"
    status = json.loads(_cli(data, "status", "--json").stdout)
    row = next(r for r in status["snapshots"] if r["snapshot"] == B)
    assert (row["published_at"], row["last_attempt"], row["last_failed_step"]) == (None, "failed", f"ingest {B}")


def test_status_shows_inputs_and_what_changed_since(data: Path) -> None:
    positions = data / "raw" / A / "positions.csv"
    digest = hashlib.sha256(positions.read_bytes()).hexdigest()
    row = json.loads(_cli(data, "status", "--json").stdout)["snapshots"][0]
    assert (row["snapshot"], row["inputs"]["positions.csv"], row["raw_now"]) == (A, digest[:12], "unchanged")
    with positions.open("a", encoding="utf-8") as handle:
        handle.write("\n")  # one more (blank) line: new bytes
    row = json.loads(_cli(data, "status", "--json").stdout)["snapshots"][0]
    assert row["raw_now"] == "changed: inputs changed: positions.csv modified"
    table = _cli(data, "status")
    assert table.returncode == 0 and A in table.stdout and "Last run" in table.stdout


def test_failing_dbt_test_is_logged_with_its_name_and_nothing_is_published(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.errors import BuildError
    from pipelines.refresh import cycle as refresh
    from pipelines.refresh import stages

    run_stage = stages.run_stage

    def failing_build(stage: str, arguments: dict) -> dict:  # what dbt_runner raises when a data test fails
        if stage != "build":
            return run_stage(stage, arguments)
        raise BuildError(problem="dbt build failed:\n  - test.servir_pm.model_checks_mart_turnover: Got 2 "
                                 "results, configured to fail if != 0", fix="check the rows it names")

    for key, value in _env(data).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(stages, "run_stage", failing_build)
    shutil.copytree(data / "raw" / A, data / "raw" / B)
    before = _outputs(data)
    with pytest.raises(BuildError):
        refresh.refresh(min_age_seconds=0)
    assert _outputs(data) == before
    failed = _runs(data)[-1]
    assert (failed["outcome"], failed["failed_step"], failed["exit_code"]) == ("failed", "build", 3)
    assert "model_checks_mart_turnover" in failed["error"]
    assert not list((data / ".work").glob("refresh-*"))  # the half-built run is cleared away


def test_a_failure_before_any_build_is_logged_and_reported_to_the_hook(data: Path) -> None:
    (data / "published.json").write_text("{not json", encoding="utf-8")
    alert = data.parent / "alert.txt"
    done = _cli(data, "refresh", "--on-failure", f'echo "$SERVIR_PM_RUN_ID|$SERVIR_PM_FAILED_STEP" > {alert}')
    assert done.returncode == 1
    failed = _runs(data)[-1]
    assert (failed["outcome"], failed["failed_step"]) == ("failed", "plan")
    assert alert.read_text(encoding="utf-8").strip() == f"{failed['run_id']}|plan"


def test_a_new_pseudonym_salt_rebuilds_every_snapshot(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys made with two salts never match: every occupant would look replaced."""
    from pipelines.refresh import cycle as refresh
    from pipelines.refresh import publish

    for key, value in _env(data).items():
        monkeypatch.setenv(key, value)
    assert refresh.plan(publish.read_state()).changed == {}
    # Another secret, given by the deprecated name (read when SERVIR_PM_KEY is not set).
    monkeypatch.delenv("SERVIR_PM_KEY")
    monkeypatch.setenv("SERVIR_PM_SALT", "another-salt")
    assert list(refresh.plan(publish.read_state()).changed) == [A]


# --- issue 12 items 5-6, issue 14 items 5-6: lifecycle of snapshots on the scheduled path --------

REAL = "2017-03-31"  # a tiny real snapshot (series gobpe-directorio) beside the sample


def _real_snapshot(root: Path) -> Path:
    """Two entities and three positions, hand-made, with a series.json saying origin real."""
    from conftest import ENTITY_HEADER, ENTITY_ROWS, POSITION_HEADER, position, write_csv

    folder = root / "raw" / REAL
    write_csv(folder / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    write_csv(folder / "positions.csv", POSITION_HEADER,
              [position("R1"), position("R2", "Jefe de Oficina", level="3"), position("R3", entity="E002")])
    (folder / "series.json").write_text(json.dumps({"series": "gobpe-directorio", "origin": "real"}),
                                        encoding="utf-8")
    return folder


def test_a_removed_raw_folder_is_withdrawn_and_the_sample_stays_deleted(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyst deletes the sample and drops a real extract: the next refresh publishes the real
    one, withdraws every output of the sample, and nothing brings the sample back."""
    import duckdb
    from typer.testing import CliRunner

    from pipelines import cli

    shutil.rmtree(data / "raw" / A)
    _real_snapshot(data)
    done = _cli(data, "refresh", "--min-age", "0", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Withdrawn {A}" in done.stdout
    for kind in ("staging", "quarantine", "marts", "reports"):
        assert not (data / kind / A).exists(), kind
        assert (data / kind / REAL).is_dir(), kind
    staged_series = json.loads((data / "staging" / REAL / "series.json").read_text(encoding="utf-8"))
    assert (staged_series["series"], staged_series["origin"]) == ("gobpe-directorio", "real")  # ingestion copied it
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as warehouse:
        in_warehouse = warehouse.sql("select distinct snapshot from int_positions_classified").fetchall()
    assert in_warehouse == [(REAL,)]
    state = json.loads((data / "published.json").read_text(encoding="utf-8"))
    assert sorted(state["snapshots"]) == [REAL] and sorted(state["withdrawn"]) == [A]
    end = _runs(data)[-1]
    assert (end["outcome"], sorted(end["withdrawn"])) == ("success", [A])
    rows = {r["snapshot"]: r for r in json.loads(_cli(data, "status", "--json").stdout)["snapshots"]}
    assert (rows[A]["state"], rows[REAL]["state"]) == ("withdrawn", "published")
    assert (rows[REAL]["series"], rows[REAL]["origin"]) == ("gobpe-directorio", "real")
    assert "withdrawn" in _cli(data, "status").stdout

    # Nothing re-creates the sample: a second refresh, ingest without a folder, run with a folder.
    assert "Nothing changed" in _cli(data, "refresh", "--min-age", "0").stdout
    ingest = _cli(data, "ingest")
    assert ingest.returncode == 2 and "no snapshot folder given" in ingest.stderr, ingest.stderr
    # `run DIR` (ingest, then dbt and reports, which are not the point here and are stubbed).
    for key, value in _env(data).items():
        monkeypatch.setenv(key, value)
    steps: list[str] = []
    monkeypatch.setattr(cli, "_build", lambda snapshot: steps.append(f"build {snapshot}"))
    monkeypatch.setattr(cli, "_report", lambda snapshot, lang: steps.append(f"report {snapshot}"))
    manual = CliRunner().invoke(cli.app, ["run", str(data / "raw" / REAL)])
    assert manual.exit_code == 0, manual.output
    assert steps == [f"build {REAL}", f"report {REAL}"]
    assert sorted(p.name for p in (data / "raw").iterdir()) == [REAL]


def test_a_file_still_being_written_waits_for_the_next_run(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.refresh import cycle as refresh
    from pipelines.refresh import publish, stages

    for key, value in _env(data).items():
        monkeypatch.setenv(key, value)
    # A was published by this module's fixture, maybe less than 120 s ago on a fast machine: make its
    # files old so only B (copied just now) is young. Same bytes: A stays unchanged.
    an_hour_ago = time.time() - 3600
    for raw_file in (data / "raw" / A).iterdir():
        os.utime(raw_file, (an_hour_ago, an_hour_ago))
    shutil.copytree(data / "raw" / A, data / "raw" / B, copy_function=shutil.copy)  # copied just now
    before = _outputs(data)
    # Younger than the default minimum age: left for a later run, said in the log.
    young = refresh.refresh()
    assert (young.outcome, list(young.plan.waiting)) == ("no_change", [B])
    assert "modified less than 120 s ago" in _runs(data)[-1]["waiting"][B]

    run_stage = stages.run_stage

    def ingest_while_the_copy_goes_on(stage: str, arguments: dict) -> dict:
        result = run_stage(stage, arguments)
        if stage == "ingest":
            with (Path(arguments["raw"]) / "positions.csv").open("a", encoding="utf-8") as handle:
                handle.write("\n")  # the copy is still appending
        return result

    monkeypatch.setattr(stages, "run_stage", ingest_while_the_copy_goes_on)
    moved = refresh.refresh(min_age_seconds=0)
    assert moved.outcome == "no_change"
    assert "changed while this run read it: positions.csv" in _runs(data)[-1]["waiting"][B]
    assert _outputs(data) == before and B not in publish.read_state()["snapshots"]
    assert not list((data / ".work").glob("refresh-*"))


class FakePanic(BaseException):
    """What a Rust panic in a reader surfaces as (pyo3's PanicException derives from BaseException)."""


def test_a_panic_mid_run_ends_the_log_runs_the_hook_and_cleans_up(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.refresh import stages

    run_stage = stages.run_stage

    def panicking_build(stage: str, arguments: dict) -> dict:
        if stage != "build":
            return run_stage(stage, arguments)
        raise FakePanic("called `Result::unwrap()` on an `Err` value")

    for key, value in _env(data).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(stages, "run_stage", panicking_build)
    shutil.copytree(data / "raw" / A, data / "raw" / B)
    before = _outputs(data)
    alert = data.parent / "alert.txt"
    hook = f'echo "$SERVIR_PM_EXIT_CODE|$SERVIR_PM_FAILED_STEP|$SERVIR_PM_RUN_ID" > {alert}'
    result = CliRunner().invoke(app, ["refresh", "--min-age", "0", "--on-failure", hook])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "FakePanic" in result.output
    end = _runs(data)[-1]
    assert (end["event"], end["outcome"], end["failed_step"], end["exit_code"]) == ("end", "failed", "build", 1)
    assert alert.read_text(encoding="utf-8").strip() == f"1|build|{end['run_id']}"
    assert not list((data / ".work").glob("refresh-*"))
    assert _outputs(data) == before


def test_one_bad_snapshot_does_not_hold_back_the_others(data: Path) -> None:
    shutil.copytree(data / "raw" / A, data / "raw" / B)  # good
    bad = data / "raw" / "2017-05-31"
    bad.mkdir()
    shutil.copy2(data / "raw" / A / "entities.csv", bad / "entities.csv")
    (bad / "positions.csv").write_text("cargo,remuneracion\nDirector,100\n", encoding="utf-8")  # no ids
    alert = data.parent / "alert.txt"
    hook = f'echo "$SERVIR_PM_EXIT_CODE|$SERVIR_PM_FAILED_STEP" > {alert}'
    done = _cli(data, "refresh", "--min-age", "0", "--on-failure", hook, timeout=600)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Fix:" in done.stderr and "Traceback" not in done.stderr
    assert (data / "marts" / B / "mart_position_changes.parquet").is_file()
    assert (data / "reports" / B / "index.html").is_file()
    assert not (data / "marts" / bad.name).exists() and not (data / "staging" / bad.name).exists()
    end = _runs(data)[-1]
    assert (end["outcome"], end["exit_code"], list(end["failures"])) == ("partial", 2, [bad.name])
    assert B in end["published"]
    assert alert.read_text(encoding="utf-8").strip() == f"2|ingest {bad.name}"
    rows = {r["snapshot"]: r for r in json.loads(_cli(data, "status", "--json").stdout)["snapshots"]}
    assert (rows[B]["last_attempt"], rows[bad.name]["last_attempt"]) == ("success", "failed")


def test_the_published_warehouse_answers_every_relation(data: Path) -> None:
    """Once the refresh's work folder is gone, analysts still query staging, intermediate and marts
    (issue 14 item 7: staging views pointed into the deleted data/.work/refresh-<run>/)."""
    import duckdb

    assert not list((data / ".work").glob("refresh-*"))
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        relations = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        assert {"stg_registry__entities", "stg_registry__positions", "int_positions_classified",
                "int_compensation_positions", "mart_pm_roles", "mart_history_trends"} <= set(relations)
        counts = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in relations}
    finally:
        con.close()
    positions = (data / "raw" / A / "positions.csv").read_text(encoding="utf-8").count("\n") - 1
    assert counts["stg_registry__positions"] == positions  # the sample has no invalid row


def test_a_rebuild_from_scratch_gives_byte_identical_marts(data: Path) -> None:
    """Same inputs, another run history (published.json deleted: everything rebuilt, reports too):
    every Parquet, CSV and XLSX file of the marts keeps its bytes (issue 14 item 8)."""
    def hashes() -> dict[str, str]:
        return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((data / "marts").rglob("*")) if p.is_file()}

    before = hashes()
    assert any(name.endswith(".xlsx") for name in before) and any(name.endswith(".csv") for name in before)
    (data / "published.json").unlink()
    # --min-age 0: the module's raw files were generated minutes ago at most; now that the runs
    # before this one are faster, they can still be "younger than 120 s" (left waiting, no_change).
    done = _cli(data, "refresh", "--min-age", "0", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _runs(data)[-1]["outcome"] == "success"
    assert hashes() == before
