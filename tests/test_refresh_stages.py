"""A refresh's stages run in processes of their own (pipelines.refresh.stages): what stops a stage
must reach the refresh as if it had run in-process (same kind of error, message and exit code),
so the run log, the exit code and the failure hook stay what they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import BuildError, PipelineError
from pipelines.refresh import stages


@pytest.fixture
def empty_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    for var in ("SERVIR_PM_WAREHOUSE", "SERVIR_PM_STAGING"):
        monkeypatch.delenv(var, raising=False)
    return root


def test_a_build_error_in_the_stage_comes_back_as_a_build_error(empty_data: Path) -> None:
    # Nothing staged: build() stops before dbt with a BuildError (exit code 3) in the child.
    with pytest.raises(BuildError, match="no staging snapshot found") as caught:
        stages.run_stage("build", {"exports": []})
    assert caught.value.exit_code == 3
    assert caught.value.fix.startswith("run ingestion first")
    assert caught.value.file == str(empty_data / "staging")


def test_a_bad_input_comes_back_with_exit_code_2(empty_data: Path) -> None:
    folder = empty_data / "raw" / "2020-01-31"
    folder.mkdir(parents=True)
    (folder / "puestos.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old Excel 97-2003 file")
    with pytest.raises(PipelineError) as caught:
        stages.run_stage("ingest", {"raw": str(folder)})
    assert caught.value.exit_code == 2
    assert ".xlsx" in caught.value.fix


def test_a_crash_in_the_stage_names_the_exception(empty_data: Path) -> None:
    with pytest.raises(stages.StageCrashError, match="KeyError: 'lang'"):
        stages.run_stage("report", {"snapshots": ["2020-01-31"]})  # no "lang": a bug in the caller


def test_an_unknown_stage_is_refused_before_starting_a_process() -> None:
    with pytest.raises(ValueError, match="unknown stage 'publish'"):
        stages.run_stage("publish", {})
