"""Split typed rows into valid rows and quarantined rows with their reasons.

The row checks of `pipelines.ingest.checks` run as polars expressions (`check_exprs`); a row
flagged by any of them, by the reader (`row_issues`) or by the linking of positions to entities
goes to quarantine as written, with the first reason's code and every reason's text.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.check_exprs import all_distinct, failing_rows
from pipelines.ingest.checks import REPEAT, Check, row_checks
from pipelines.ingest.contract import KEYS, REASONS
from pipelines.ingest.distinct import as_text
from pipelines.ingest.row_issues import ISSUE_CODE, ISSUE_TEXT
from pipelines.privacy.redact import redact_expr

_SHOWN_CHARS = 60  # a quoted value longer than this is cut, so a reason stays one readable line


def _reason_text(code: str, column: str, value: str | None) -> str:
    text = REASONS[code].text.format(column=column)
    if value is not None:
        shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS - 3] + "..."
        text += f" (found {shown!r})"
    return text


def _did_you_mean(value: str | None, same_digits: dict[str, str]) -> str:
    """'010' for '10' when only leading zeros differ (Excel drops them from codes)."""
    digits = (value or "").strip().lstrip("0")
    match = same_digits.get(digits) if digits else None
    return f"; did you mean {match!r}? (same code with other leading zeros)" if match else ""


def _reasons(rows: pl.Series, check: Check, rank: int, values: pl.Series | None,
             hints: dict[str, str]) -> pl.DataFrame:
    """(row, rank, reason_code, reason) for one check's rows; each distinct value is worded once."""
    code, column = check.reason_code or "", check.reason_column or ""
    found = pl.DataFrame({"row": rows, "value": values if values is not None else pl.repeat(
        None, rows.len(), dtype=pl.Utf8, eager=True)})
    distinct = found["value"].unique(maintain_order=True)
    wording = pl.DataFrame({"value": distinct, "reason": [
        _reason_text(code, column, v) + _did_you_mean(v, hints) for v in distinct.to_list()]},
        schema={"value": found["value"].dtype, "reason": pl.Utf8})
    return found.join(wording, on="value", how="left", nulls_equal=True, maintain_order="left").select(
        "row", pl.lit(rank, pl.Int64).alias("rank"), pl.lit(code).alias("reason_code"), "reason")


def _checked_only(checks: list[Check]) -> set[str]:
    """Columns that exist only to be checked (unparsed text, repeat flags, the reader's findings):
    empty on every valid row, so they are not copied along with it."""
    return {c.column for c in checks if c.column != c.reason_column} | {ISSUE_CODE, ISSUE_TEXT}


def validate_rows(typed: pl.DataFrame, as_written: pl.DataFrame, table: str,
                  known_entity_ids: list[str] | None,
                  linked: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows into (valid typed rows, quarantined rows as written + reason_code + reason).
    `linked`: findings of pipelines.ingest.linking (row, reason_code, reason); they replace the row
    checks' own findings about entity_id for those rows."""
    key = KEYS[table]
    repeats = (pl.lit(False) if all_distinct(typed, key)  # no key repeats: the flags need no search
               else pl.col(key).is_not_null() & ~pl.col(key).is_first_distinct())
    typed = typed.with_columns(repeats.alias(REPEAT + key))
    rank_of = {c: i for i, c in enumerate(REASONS)}
    pieces = []
    if ISSUE_CODE in typed.columns:  # the reader's findings: the row itself is broken
        broken = typed.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), ISSUE_CODE, ISSUE_TEXT).filter(
            pl.col(ISSUE_CODE).is_not_null())
        pieces.append(broken.select(
            "row", pl.col(ISSUE_CODE).replace_strict(rank_of, return_dtype=pl.Int64).alias("rank"),
            pl.col(ISSUE_CODE).alias("reason_code"), pl.col(ISSUE_TEXT).alias("reason")))
    same_digits = {k.lstrip("0"): k for k in known_entity_ids or []}  # '10' -> '010'
    checks = row_checks(table, known_entity_ids)
    for check, rows in zip(checks, failing_rows(typed, checks), strict=True):
        if linked is not None and check.reason_column == "entity_id":
            rows = rows.filter(~rows.is_in(linked["row"].implode()))
        if not rows.len():
            continue
        column = check.reason_column or ""
        values = as_written[column].gather(rows).cast(pl.Utf8) if column in as_written.columns else None
        hints = same_digits if check.reason_code == "unknown_entity" else {}
        pieces.append(_reasons(rows, check, rank_of[check.reason_code or ""], values, hints))
    if linked is not None and linked.height:
        rank = pl.col("reason_code").replace_strict(rank_of, return_dtype=pl.Int64)
        pieces.append(linked.select("row", rank.alias("rank"), "reason_code", "reason"))
    if not pieces:
        return typed.select(pl.exclude(*_checked_only(checks))), as_text(as_written.clear()).with_columns(
            pl.lit(None, pl.Utf8).alias("reason_code"), pl.lit(None, pl.Utf8).alias("reason"))
    problems = (
        pl.concat(pieces).sort("row", "rank")
        .group_by("row", maintain_order=True)
        .agg(pl.col("reason_code").first(), pl.col("reason").str.join("; "))
    )
    bad = problems["row"]
    indexed = pl.int_range(pl.len(), dtype=pl.UInt32)
    valid = typed.select(pl.exclude(*_checked_only(checks))).filter(~indexed.is_in(bad.implode()))
    # Only the quarantined rows are gathered (problems are in row order).
    quarantined = as_text(as_written.select(pl.all().gather(bad))).with_columns(
        problems["reason_code"], redact_expr(pl.lit(problems["reason"])).alias("reason"))  # never an ID
    return valid, quarantined
