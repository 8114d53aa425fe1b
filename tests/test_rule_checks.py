"""Which rule checks (data tests reading seeds only) a build may leave out: pipelines.build.rule_checks,
and how build() uses it, with dbt replaced by a stand-in (no dbt run here).

The builds with dbt are in tests/test_build.py (a second build of the same rules leaves them out; an
edited seed is checked again and a bad value still stops the build)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from staging_io import write_snapshot

from pipelines import paths
from pipelines.build import rule_checks
from pipelines.build import warehouse as build
from pipelines.errors import BuildError

TITLE_RULES_CHECK = "fqn:servir_pm.inference.model_checks_title_rules"


def _result(name: str, resource_type: str, parents: list[str], status: str = "pass",
            folder: str = "inference") -> SimpleNamespace:
    node = SimpleNamespace(name=name, resource_type=resource_type, fqn=["servir_pm", folder, name],
                           depends_on=SimpleNamespace(nodes=parents))
    return SimpleNamespace(node=node, status=status)


def test_only_passed_tests_whose_every_parent_is_a_seed() -> None:
    results = [
        _result("model_checks_title_rules", "test", ["seed.servir_pm.title_rules"]),
        _result("assert_one_default", "test", ["seed.servir_pm.type_b_readings", "seed.servir_pm.assumptions"],
                folder="rules"),
        # reads a model too: its answer depends on the data
        _result("model_checks_int_positions_classified", "test",
                ["model.servir_pm.int_positions_classified", "seed.servir_pm.classification_rules"]),
        _result("model_checks_tpm_rules", "test", ["seed.servir_pm.tpm_rules"], status="fail"),
        _result("title_rules", "seed", []),
        _result("no_parent", "test", []),
    ]
    assert rule_checks.seed_only_tests(results) == ["fqn:servir_pm.inference.model_checks_title_rules",
                                                    "fqn:servir_pm.rules.assert_one_default"]


def test_a_record_holds_for_its_fingerprint_settings_and_tools_only(tmp_path: Path) -> None:
    rule_checks.remember(tmp_path, "f1", "{}", ["b", "a", "a"])
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == ["a", "b"]
    assert rule_checks.passed_before(tmp_path, "f2", "{}") == []  # a seed, a test or the code changed
    assert rule_checks.passed_before(tmp_path, "f1", '{"assume_a2": false}') == []
    assert rule_checks.passed_before(tmp_path / "elsewhere", "f1", "{}") == []
    record = json.loads((tmp_path / rule_checks.RECORD_FILE).read_text(encoding="utf-8"))
    record["tools"]["duckdb"] = "0.0.1"  # an upgraded (or downgraded) DuckDB
    (tmp_path / rule_checks.RECORD_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == []


def test_an_unreadable_record_is_no_record_and_an_unwritable_one_no_error(tmp_path: Path) -> None:
    (tmp_path / rule_checks.RECORD_FILE).write_text("{not json", encoding="utf-8")
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == []
    (tmp_path / rule_checks.RECORD_FILE).write_text('["f1"]', encoding="utf-8")
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == []
    blocked = tmp_path / "a_file"
    blocked.write_text("", encoding="utf-8")
    rule_checks.remember(blocked / "target", "f1", "{}", ["a"])  # the folder cannot be made: ignored
    assert rule_checks.passed_before(blocked / "target", "f1", "{}") == []


class _Dbt:
    """Stands in for dbt: records each command, answers with the given results."""

    def __init__(self, results: list[Any]) -> None:
        self.results, self.commands = results, []

    def __call__(self, command: list[str], **_: Any) -> SimpleNamespace:
        self.commands.append(list(command))
        return SimpleNamespace(results=self.results, elapsed_time=0.0)


@pytest.fixture
def staged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with one staged snapshot and a dbt target folder of its own; returns the target."""
    for name, value in (("SERVIR_PM_DATA", tmp_path), ("SERVIR_PM_WAREHOUSE", tmp_path / "warehouse.duckdb"),
                        ("SERVIR_PM_STAGING", tmp_path / "staging"), ("SERVIR_PM_DBT_TARGET", tmp_path / "target")):
        monkeypatch.setenv(name, str(value))
    write_snapshot("2016-05-31", [{"entity_id": "E", "entity_name": "E"}], [{"position_id": "P", "entity_id": "E"}])
    assert paths.dbt_target_dir() == tmp_path / "target"
    return paths.dbt_target_dir()


def test_build_leaves_out_what_a_build_of_the_same_code_passed(staged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dbt = _Dbt([_result("model_checks_title_rules", "test", ["seed.servir_pm.title_rules"])])
    monkeypatch.setattr(build, "run_dbt", dbt)
    first = build.build(export_marts=False)
    assert first.rule_checks_reused == 0 and "--exclude" not in dbt.commands[0]
    dbt.results = []  # left out: dbt does not run it
    second = build.build(export_marts=False)
    assert second.rule_checks_reused == 1
    assert dbt.commands[1][dbt.commands[1].index("--exclude") + 1:] == [TITLE_RULES_CHECK]
    third = build.build(export_marts=False)  # the record was kept, not emptied, by the second
    assert third.rule_checks_reused == 1


def test_rules_edited_while_dbt_runs_fail_the_build(staged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed edited during the build (servir-pm review --apply) changes the fingerprint: the build
    stops instead of stamping what dbt read with the fingerprint of before, and records nothing."""
    monkeypatch.setattr(build, "run_dbt", _Dbt([_result("model_checks_title_rules", "test",
                                                        ["seed.servir_pm.title_rules"])]))
    prints = iter(["before", "after"])
    monkeypatch.setattr(build.stamp, "fingerprint", lambda project_dir=None: next(prints))
    with pytest.raises(BuildError, match="changed while the build ran"):
        build.build(export_marts=False)
    assert not (staged / rule_checks.RECORD_FILE).exists()
