"""Which rule checks (data tests reading seeds only) a build may leave out: pipelines.build.rule_checks.

The builds that rely on it are in tests/test_build.py (a second build of the same rules leaves them
out; an edited seed is checked again and a bad value still stops the build)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from pipelines.build import rule_checks


def _result(name: str, resource_type: str, parents: list[str], status: str = "pass") -> SimpleNamespace:
    node = SimpleNamespace(name=name, resource_type=resource_type, depends_on=SimpleNamespace(nodes=parents))
    return SimpleNamespace(node=node, status=status)


def test_only_passed_tests_whose_every_parent_is_a_seed() -> None:
    results = [
        _result("model_checks_title_rules", "test", ["seed.servir_pm.title_rules"]),
        _result("assert_one_default", "test", ["seed.servir_pm.type_b_readings", "seed.servir_pm.assumptions"]),
        # reads a model too: its answer depends on the data
        _result("model_checks_int_positions_classified", "test",
                ["model.servir_pm.int_positions_classified", "seed.servir_pm.classification_rules"]),
        _result("model_checks_tpm_rules", "test", ["seed.servir_pm.tpm_rules"], status="fail"),
        _result("title_rules", "seed", []),
        _result("no_parent", "test", []),
    ]
    assert rule_checks.seed_only_tests(results) == ["assert_one_default", "model_checks_title_rules"]


def test_a_record_holds_for_its_fingerprint_and_settings_only(tmp_path: Path) -> None:
    rule_checks.remember(tmp_path, "f1", "{}", ["b", "a"])
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == ["a", "b"]
    assert rule_checks.passed_before(tmp_path, "f2", "{}") == []  # a seed, a test or the code changed
    assert rule_checks.passed_before(tmp_path, "f1", '{"assume_a2": false}') == []
    assert rule_checks.passed_before(tmp_path / "elsewhere", "f1", "{}") == []


def test_an_unreadable_record_is_no_record(tmp_path: Path) -> None:
    (tmp_path / rule_checks.RECORD_FILE).write_text("{not json", encoding="utf-8")
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == []
    (tmp_path / rule_checks.RECORD_FILE).write_text('["f1"]', encoding="utf-8")
    assert rule_checks.passed_before(tmp_path, "f1", "{}") == []
