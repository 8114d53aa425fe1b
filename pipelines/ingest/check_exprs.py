"""Execute `pipelines.ingest.checks` as polars expressions: one pass over the rows, no copies.

The semantics are great-expectations' own (the Data Docs run the same checks with it): a value
that is null is never unexpected, except for the not-null check; a between check includes its
bounds; a unique check counts every row whose value repeats, the first one included.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.checks import Check, table_checks

_ROW_COUNT = "expect_table_row_count_to_be_between"
_MEDIAN = "expect_column_median_to_be_between"
_UNIQUE = "expect_column_values_to_be_unique"


def all_distinct(frame: pl.DataFrame, column: str) -> bool:
    """Whether no two values of `column` are equal (nulls aside), decided from 64-bit hashes: equal
    values hash alike, so as many distinct hashes as values proves every value distinct. False means
    a repeat or a collision: the caller then looks at the values themselves. (Hashing strings once
    to integers costs an eighth of finding repeats among 1.4 million strings.)"""
    col = pl.col(column).drop_nulls()
    return frame.select(col.hash().n_unique() == col.len()).item()


def _outside(value: pl.Expr, kwargs: dict) -> pl.Expr:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    out = pl.lit(False)
    if low is not None:
        out = out | (value < low)
    if high is not None:
        out = out | (value > high)
    return out.fill_null(False)


def unexpected(check: Check) -> pl.Expr:
    """True on each row great-expectations would list as unexpected for a column check."""
    col, kwargs = pl.col(check.column), check.kwargs
    kind = check.expectation
    if kind == "expect_column_values_to_not_be_null":
        return col.is_null()
    if kind == "expect_column_values_to_be_null":
        return col.is_not_null()
    if kind == _UNIQUE:
        return col.is_duplicated() & col.is_not_null()
    if kind == "expect_column_values_to_be_in_set":
        allowed = kwargs["value_set"]
        return (~col.is_in(pl.Series(allowed)) if allowed else col.is_not_null()).fill_null(False)
    if kind == "expect_column_value_lengths_to_be_between":
        return _outside(col.str.len_chars(), kwargs)
    if kind == "expect_column_values_to_be_between":
        return _outside(col, kwargs)
    raise ValueError(f"no polars execution for {kind!r}: add it to pipelines.ingest.check_exprs")


def failing_rows(frame: pl.DataFrame, checks: list[Check]) -> list[pl.Series]:
    """Per check, the 0-based positions (UInt32) of the rows it flags; one pass over the frame."""
    masks = frame.select(unexpected(c).alias(str(i)) for i, c in enumerate(checks))
    return [masks[str(i)].arg_true().cast(pl.UInt32) for i in range(len(checks))]


def empty_columns(frame: pl.DataFrame) -> frozenset[str]:
    """Columns with no value at all (a median cannot be checked on them)."""
    counts = frame.null_count().row(0, named=True)
    return frozenset(c for c, n in counts.items() if n == frame.height)


def table_report(frame: pl.DataFrame, table: str, known_entity_ids: list[str] | None = None) -> dict:
    """The table checks on the validated rows, JSON-ready (validation_report.json): one entry per
    check with great-expectations' type, kwargs, success, unexpected count and observed value."""
    checks = table_checks(table, known_entity_ids, empty_columns(frame))
    per_row = [c for c in checks if c.expectation not in (_ROW_COUNT, _MEDIAN)]
    none = {id(c) for c in per_row if c.expectation == _UNIQUE and all_distinct(frame, c.column)}
    counts = frame.select((pl.lit(0) if id(c) in none else unexpected(c).sum()).alias(str(i))
                          for i, c in enumerate(per_row)).row(0) if per_row else ()
    unexpected_count = dict(zip(map(id, per_row), counts, strict=True))
    results = []
    for check in checks:
        observed = None
        if check.expectation == _ROW_COUNT:
            observed = frame.height
            success = _within(observed, check.kwargs)
        elif check.expectation == _MEDIAN:
            observed = frame[check.column].median()
            success = observed is not None and _within(observed, check.kwargs)
        else:
            success = unexpected_count[id(check)] == 0
        kwargs = {k: v for k, v in check.kwargs.items() if k != "value_set"}
        if "value_set" in check.kwargs:
            kwargs["value_set_size"] = len(check.kwargs["value_set"])
        results.append({"expectation": check.expectation, "kwargs": kwargs, "success": bool(success),
                        "unexpected_count": unexpected_count.get(id(check)), "observed_value": observed})
    return {"suite": f"{table}_table", "success": all(r["success"] for r in results), "results": results}


def _within(value: float, kwargs: dict) -> bool:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    return (low is None or value >= low) and (high is None or value <= high)
