"""The contract's checks, defined once (pipelines.ingest.checks) and executed by polars
(check_exprs) during ingestion. Expected rows and counts are labelled by hand from the contract
(DATA_CONTRACT.md: levels 1-6, pay 0-300,000, keys unique) and seeds/contract/table_checks.csv."""

from __future__ import annotations

import csv

import polars as pl

from pipelines.ingest.check_exprs import failing_rows, table_report, unexpected
from pipelines.ingest.checks import REPEAT, Check, row_checks, table_checks
from pipelines.ingest.contract import CONTRACT_SEEDS
from pipelines.ingest.normalize import UNPARSED


def _flagged(check: Check, values: list, dtype: pl.DataType) -> list[int]:
    frame = pl.DataFrame({check.column: values}, schema={check.column: dtype})
    return failing_rows(frame, [check])[0].to_list()


def test_range_check_flags_values_outside_inclusive_bounds_and_never_nulls() -> None:
    level = Check("expect_column_values_to_be_between", {"column": "organizational_level",
                                                         "min_value": 1.0, "max_value": 6.0})
    assert _flagged(level, [1, 0, None, 6, 7, 3], pl.Int32) == [1, 4]


def test_in_set_check_ignores_nulls_and_an_empty_set_flags_every_value() -> None:
    sex = Check("expect_column_values_to_be_in_set", {"column": "sex", "value_set": ["F", "M"]})
    assert _flagged(sex, ["F", None, "X", "M", "m"], pl.Utf8) == [2, 4]
    nothing_known = Check("expect_column_values_to_be_in_set", {"column": "entity_id", "value_set": []})
    assert _flagged(nothing_known, ["E1", None, "E2"], pl.Utf8) == [0, 2]


def test_length_check_counts_characters_not_bytes() -> None:
    title = Check("expect_column_value_lengths_to_be_between", {"column": "t", "max_value": 3})
    assert _flagged(title, ["ñññ", "abcd", None, "ñ"], pl.Utf8) == [1]


def test_unique_check_counts_every_row_of_a_repeated_value() -> None:
    frame = pl.DataFrame({"position_id": ["P1", "P2", "P1", None, None, "P1"]})
    check = Check("expect_column_values_to_be_unique", {"column": "position_id"})
    assert frame.select(unexpected(check)).to_series().to_list() == [True, False, True, False, False, True]


def test_row_checks_carry_every_contract_reason_in_the_contract_order() -> None:
    checks = row_checks("positions", ["E001"])
    reasons = {c.reason_code for c in checks}
    assert reasons == {"missing_required", "text_too_long", "invalid_enum", "non_numeric", "out_of_range",
                       "duplicate_key", "unknown_entity"}
    pay = [c for c in checks if c.reason_column == "monthly_pay"]
    assert [(c.reason_code, c.column) for c in pay] == [
        ("non_numeric", UNPARSED + "monthly_pay"), ("out_of_range", "monthly_pay")]
    assert next(c for c in checks if c.column == REPEAT + "position_id").kwargs["value_set"] == [False]
    assert next(c for c in checks if c.reason_code == "unknown_entity").column == "entity_id"
    assert "unknown_entity" not in {c.reason_code for c in row_checks("positions", None)}


def test_median_threshold_comes_from_the_seed_and_is_left_out_on_an_empty_column() -> None:
    with (CONTRACT_SEEDS / "table_checks.csv").open(encoding="utf-8", newline="") as handle:
        seeded = [r for r in csv.DictReader(handle) if r["expectation"] == "expect_column_median_to_be_between"]
    medians = [c for c in table_checks("positions") if c.expectation == "expect_column_median_to_be_between"]
    assert [(c.column, c.kwargs["min_value"], c.kwargs["max_value"]) for c in medians] == [
        (r["column"], float(r["min_value"]), float(r["max_value"])) for r in seeded]
    assert not [c for c in table_checks("positions", empty_columns=frozenset({"monthly_pay"}))
                if c.expectation == "expect_column_median_to_be_between"]


def test_table_report_on_a_hand_made_positions_table() -> None:
    frame = pl.DataFrame({
        "position_id": ["P1", "P2", "P2", "P4"],
        "entity_id": ["E1", "E1", "E9", "E1"],
        "position_title": ["Director", None, "Jefe", "Gerente"],
        "organizational_level": [1, 2, 7, None],
        "monthly_pay": [900.0, 1000.0, 5000.0, 8000.0],
        "direct_reports": [0, 1, 2, 3],
        "indirect_reports": [0, 0, 0, -1],
    }, schema_overrides={"organizational_level": pl.Int32})
    report = table_report(frame, "positions", ["E1"])
    by_check = {(r["expectation"], r["kwargs"].get("column")): r for r in report["results"]}
    assert report["success"] is False
    assert by_check[("expect_table_row_count_to_be_between", None)]["observed_value"] == 4
    assert by_check[("expect_column_values_to_be_unique", "position_id")]["unexpected_count"] == 2
    assert by_check[("expect_column_values_to_not_be_null", "position_title")]["unexpected_count"] == 1
    in_set = by_check[("expect_column_values_to_be_in_set", "entity_id")]
    assert (in_set["unexpected_count"], in_set["kwargs"]["value_set_size"]) == (1, 1)
    assert by_check[("expect_column_values_to_be_between", "organizational_level")]["unexpected_count"] == 1
    assert by_check[("expect_column_values_to_be_between", "indirect_reports")]["unexpected_count"] == 1
    median = by_check[("expect_column_median_to_be_between", "monthly_pay")]
    assert (median["observed_value"], median["success"]) == (3000.0, True)  # (1,000 + 5,000) / 2


def test_table_report_on_an_empty_table_fails_on_its_row_count_only() -> None:
    frame = pl.DataFrame(schema={"entity_id": pl.Utf8, "entity_name": pl.Utf8, "parent_entity_id": pl.Utf8,
                                 "total_positions": pl.Int32, "budget_pia": pl.Float64,
                                 "budget_pia_2014": pl.Float64})
    report = table_report(frame, "entities", [])
    failed = [r["expectation"] for r in report["results"] if not r["success"]]
    assert failed == ["expect_table_row_count_to_be_between"]


def test_ingestion_never_imports_great_expectations_nor_pandas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """great-expectations runs only for the Data Docs (pipelines.ingest.data_docs)."""
    import subprocess
    import sys

    from tests.conftest import ENTITY_HEADER, ENTITY_ROWS, POSITION_HEADER, position, write_csv

    snap = tmp_path / "raw" / "2020-01-31"
    write_csv(snap / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    write_csv(snap / "positions.csv", POSITION_HEADER, [position("P1"), position("P2", level="9")])
    probe = ("import sys\nfrom pathlib import Path\nfrom pipelines.ingest.snapshot import ingest_snapshot\n"
             f"ingest_snapshot(Path({str(snap)!r}))\n"
             "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))")
    env = {"SERVIR_PM_DATA": str(tmp_path), "SERVIR_PM_KEY": "test-key", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(CONTRACT_SEEDS.parent.parent)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "[]", done.stderr


def test_all_distinct_ignores_nulls_and_sees_any_repeat() -> None:
    from pipelines.ingest.check_exprs import all_distinct

    cases = {("P1", "P2", None, None): True, ("P1", "P2", "P1"): False, (): True, (None, None): True,
             ("010", "10"): True}
    for values, expected in cases.items():
        assert all_distinct(pl.DataFrame({"k": list(values)}, schema={"k": pl.Utf8}), "k") is expected, values


def test_repeat_flags_and_unique_count_are_the_same_when_the_hashes_are_not_trusted(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`all_distinct` only lets the values' own comparison be skipped: forced to say 'maybe a repeat'
    (a hash collision), the report and the quarantine must not change."""
    from pipelines.ingest import check_exprs, validate
    from pipelines.ingest.normalize import map_headers, normalize

    raw = pl.DataFrame({"codigo_puesto": ["P1", "P2", "P3", ""], "codigo_entidad": ["E1"] * 4,
                        "cargo": ["Director"] * 4})
    mapping = map_headers(raw.columns, "positions")
    typed = normalize(raw, mapping, "positions")
    written = raw.rename(mapping.recognized)

    def run() -> tuple:
        return table_report(typed, "positions", ["E1"]), validate.validate_rows(typed, written, "positions", ["E1"])

    trusted = run()
    for module in (check_exprs, validate):
        monkeypatch.setattr(module, "all_distinct", lambda _frame, _column: False)
    exact = run()
    assert trusted[0] == exact[0]
    assert all(a.equals(b) for a, b in zip(trusted[1], exact[1], strict=True))
    assert trusted[1][1]["reason_code"].to_list() == ["missing_required"]  # the null key, nothing else
