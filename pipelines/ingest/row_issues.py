"""Row-level problems found by a reader (too few or too many fields, NUL bytes, a formula without
a value, a value with no text form) become quarantine reasons.

The reader reports them per row and per original header; only those of a column the contract
reads (or of the whole row) count. A row whose fields do not line up with the header has its
cells shifted: in a file with personal columns, a name or an ID may sit under another header, so
its cells are withheld from the quarantine file (the reason names the line to look at).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.contract import REASONS
from pipelines.ingest.normalize import HeaderMapping

ISSUE_CODE = "__issue_code__"
ISSUE_TEXT = "__issue_text__"
MISALIGNED = ("too_few_fields", "too_many_fields")


def attach_issues(issues: pl.DataFrame, mapping: HeaderMapping, typed: pl.DataFrame,
                  as_written: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`typed` gains ISSUE_CODE/ISSUE_TEXT (null on sound rows); misaligned rows of a file with
    personal columns lose their cells in `as_written`."""
    relevant = issues.filter(pl.col("column").is_null() | pl.col("column").is_in(list(mapping.recognized)))
    if not relevant.height:  # a sound file: two empty columns, not a join over every row
        no_issue = [pl.lit(None, pl.Utf8).alias(ISSUE_CODE), pl.lit(None, pl.Utf8).alias(ISSUE_TEXT)]
        return typed.with_columns(no_issue), as_written
    order = {code: rank for rank, code in enumerate(REASONS)}
    per_row = (
        relevant.with_columns(
            pl.col("column").replace_strict(mapping.recognized, default=None, return_dtype=pl.Utf8).alias("canonical"),
            pl.col("reason_code").replace_strict(order, return_dtype=pl.Int32).alias("rank"))
        .sort("row", "rank")
        .group_by("row", maintain_order=True)
        .agg(pl.col("reason_code").first().alias(ISSUE_CODE),
             pl.col("reason_code").alias("codes"), pl.col("canonical").alias("columns"), pl.col("detail"))
    )
    texts = [
        "; ".join(f"{REASONS[code].text.format(column=column or 'a value')} ({detail})"
                  for code, column, detail in zip(codes, columns, details, strict=True))
        for codes, columns, details in zip(per_row["codes"], per_row["columns"], per_row["detail"], strict=True)
    ]
    per_row = per_row.select("row", ISSUE_CODE, pl.Series(ISSUE_TEXT, texts, dtype=pl.Utf8))
    indexed = pl.DataFrame({"row": pl.int_range(typed.height, dtype=pl.UInt32, eager=True)})
    flags = indexed.join(per_row, on="row", how="left", maintain_order="left")
    typed = typed.with_columns(flags[ISSUE_CODE], flags[ISSUE_TEXT])
    personal = bool(mapping.dropped_personal) or "occupant_id" in mapping.recognized.values()
    if personal and flags[ISSUE_CODE].is_in(MISALIGNED).any():
        hide = pl.lit(flags[ISSUE_CODE].is_in(MISALIGNED).fill_null(False))
        cells = [c for c in as_written.columns if c not in ("source_file", "source_row", "source_sheet")]
        as_written = as_written.with_columns(pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in cells)
        typed = typed.with_columns(
            pl.when(hide).then(pl.col(ISSUE_TEXT) + "; cells withheld: they do not line up with the header and "
                                                    "could show personal data under another column")
            .otherwise(pl.col(ISSUE_TEXT)).alias(ISSUE_TEXT))
    return typed, as_written
