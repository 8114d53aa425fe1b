"""Great Expectations suites for the contract, built from `pipelines.ingest.contract`.

Two suites per table:
- row suite: every expectation carries the quarantine `reason_code` in its meta; the rows it
  flags (unexpected_index_list) are the rows that go to quarantine.
- table suite: uniqueness, referential integrity, ranges and row counts on the validated table,
  reported (JSON + HTML) for the snapshot; it does not move rows.
Importing great_expectations costs ~5 s, so this module is imported only when validating.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import polars as pl

from pipelines.ingest.contract import COLUMNS, KEYS, MAX_TEXT_LENGTH, allowed_values
from pipelines.ingest.normalize import UNPARSED

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry: the machine has no network

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

REPEAT = "__repeat__"
_CONTEXT = None


def _context():  # type: ignore[no-untyped-def]
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = gx.get_context(mode="ephemeral")
        _CONTEXT.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return _CONTEXT


def _meta(reason: str, column: str) -> dict[str, str]:
    return {"reason_code": reason, "column": column}


def row_suite(table: str, known_entity_ids: list[str] | None = None) -> gx.ExpectationSuite:
    """The row-level checks, in the order reasons are reported (contract.REASONS)."""
    _context()  # suites need a live context
    e = gx.expectations
    suite = gx.ExpectationSuite(name=f"{table}_rows")
    cols = COLUMNS[table]
    for c in cols:
        if c.required:
            suite.add_expectation(e.ExpectColumnValuesToNotBeNull(
                column=c.name, meta=_meta("missing_required", c.name)))
    for c in cols:
        if c.kind == "text":
            suite.add_expectation(e.ExpectColumnValueLengthsToBeBetween(
                column=c.name, max_value=MAX_TEXT_LENGTH, meta=_meta("text_too_long", c.name)))
    for c in cols:
        if c.kind == "enum":
            suite.add_expectation(e.ExpectColumnValuesToBeInSet(
                column=c.name, value_set=allowed_values(c.domain or c.name), meta=_meta("invalid_enum", c.name)))
        elif c.kind == "bool":
            suite.add_expectation(e.ExpectColumnValuesToBeNull(
                column=UNPARSED + c.name, meta=_meta("invalid_enum", c.name)))
    for c in cols:
        if c.kind in ("int", "decimal"):
            suite.add_expectation(e.ExpectColumnValuesToBeNull(
                column=UNPARSED + c.name, meta=_meta("non_numeric", c.name)))
    for c in cols:
        if c.minimum is not None or c.maximum is not None:
            suite.add_expectation(e.ExpectColumnValuesToBeBetween(
                column=c.name, min_value=c.minimum, max_value=c.maximum, meta=_meta("out_of_range", c.name)))
    key = KEYS[table]
    suite.add_expectation(e.ExpectColumnValuesToBeInSet(
        column=REPEAT + key, value_set=[False], meta=_meta("duplicate_key", key)))
    if table == "positions" and known_entity_ids is not None:
        suite.add_expectation(e.ExpectColumnValuesToBeInSet(
            column="entity_id", value_set=known_entity_ids, meta=_meta("unknown_entity", "entity_id")))
    return suite


def table_suite(table: str, known_entity_ids: list[str] | None = None,
                check_pay_median: bool = True) -> gx.ExpectationSuite:
    _context()
    e = gx.expectations
    suite = gx.ExpectationSuite(name=f"{table}_table")
    suite.add_expectation(e.ExpectTableRowCountToBeBetween(min_value=1))
    suite.add_expectation(e.ExpectColumnValuesToBeUnique(column=KEYS[table]))
    for c in COLUMNS[table]:
        if c.required:
            suite.add_expectation(e.ExpectColumnValuesToNotBeNull(column=c.name))
    if table == "positions":
        if known_entity_ids is not None:
            suite.add_expectation(e.ExpectColumnValuesToBeInSet(column="entity_id", value_set=known_entity_ids))
        suite.add_expectation(e.ExpectColumnValuesToBeBetween(column="organizational_level", min_value=1, max_value=6))
        suite.add_expectation(e.ExpectColumnValuesToBeBetween(column="monthly_pay", min_value=0, max_value=300_000))
        if check_pay_median:  # pay must look like monthly soles, not annual totals or thousands
            suite.add_expectation(e.ExpectColumnMedianToBeBetween(
                column="monthly_pay", min_value=1_000, max_value=40_000))
    else:
        if known_entity_ids is not None:  # a type-B unit's parent must be a known entity
            suite.add_expectation(e.ExpectColumnValuesToBeInSet(column="parent_entity_id", value_set=known_entity_ids))
        suite.add_expectation(e.ExpectColumnValuesToBeBetween(column="total_positions", min_value=0))
        suite.add_expectation(e.ExpectColumnValuesToBeBetween(column="budget_pia", min_value=0))
    return suite


def _validate(frame: pl.DataFrame, suite: gx.ExpectationSuite, name: str):  # type: ignore[no-untyped-def]
    pandas_frame = frame.to_pandas()
    source = _context().data_sources.add_or_update_pandas(f"ingest_{name}")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": pandas_frame})
    return batch.validate(suite, result_format={"result_format": "COMPLETE"})


@dataclass
class RowFinding:
    reason_code: str
    column: str
    rows: list[int]  # positions in the frame (0-based)


def row_findings(frame: pl.DataFrame, table: str, known_entity_ids: list[str] | None = None) -> list[RowFinding]:
    result = _validate(frame, row_suite(table, known_entity_ids), f"{table}_rows")
    findings = []
    for outcome in result.results:
        if outcome.success:
            continue
        meta = outcome.expectation_config.meta or {}
        rows = [int(i) for i in outcome.result.get("unexpected_index_list") or []]
        findings.append(RowFinding(meta["reason_code"], meta["column"], rows))
    return findings


def table_report(frame: pl.DataFrame, table: str, known_entity_ids: list[str] | None = None) -> dict:
    """Summary of the table-level suite on the validated rows, JSON-ready."""
    # An all-empty optional pay column has no median to check.
    has_pay = table == "positions" and frame["monthly_pay"].null_count() < frame.height
    suite = table_suite(table, known_entity_ids, check_pay_median=has_pay)
    result = _validate(frame, suite, f"{table}_table")
    rows = []
    for outcome in result.results:
        cfg = outcome.expectation_config
        kwargs = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id", "value_set")}
        if "value_set" in cfg.kwargs:
            kwargs["value_set_size"] = len(cfg.kwargs["value_set"])
        rows.append({
            "expectation": cfg.type,
            "kwargs": kwargs,
            "success": bool(outcome.success),
            "unexpected_count": outcome.result.get("unexpected_count"),
            "observed_value": _jsonable(outcome.result.get("observed_value")),
        })
    return {"suite": suite.name, "success": bool(result.success), "results": rows}


def _jsonable(value):  # type: ignore[no-untyped-def]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
