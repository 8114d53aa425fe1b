"""Compute per distinct value, join back to every row.

A national file has 1.4 million rows but ~17,000 distinct dates, ~1,000 pays, a handful of
spellings per category and ~2,000 entity names: the regular expressions run on those.

Such columns are also held as Categorical from the moment they are read (`as_categories`): a code of
4 bytes per row instead of a 16-byte string view plus its text (about 250 MB less for the 11 such
columns of a national file), and the join back matches codes, not strings.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

_VALUE = "__value__"


def as_categories(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`frame` with its text `columns` as Categorical (same values, nulls and empty texts kept)."""
    text = [c for c in columns if frame.schema.get(c) == pl.Utf8]
    return frame.with_columns(pl.col(text).cast(pl.Categorical)) if text else frame


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its Categorical columns back as text (what is written for a person to read)."""
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.Utf8))


def by_distinct(frame: pl.DataFrame, column: str,
                exprs: Callable[[pl.Series], list[pl.Expr]]) -> list[pl.Series | pl.Expr]:
    """The columns `exprs(distinct values)` computes over `pl.col(column)`, evaluated once per distinct
    value of `column` (null included), for `frame.select`: a column with a value is joined back to
    every row in row order; a column empty on every distinct value is a typed null literal, which
    polars broadcasts without storing a value per row (most `__unparsed__` companions)."""
    distinct = frame.select(pl.col(column).unique())
    # The rules read text; the join matches the column's own values (codes when Categorical).
    values = distinct.with_columns(pl.col(column).cast(pl.Utf8))
    computed = values.select(pl.col(column).alias(_VALUE), *exprs(values[column])).with_columns(
        distinct[column].alias(_VALUE))
    empty = [name for name in computed.columns[1:] if computed[name].null_count() == computed.height]
    joined = (frame.select(pl.col(column).alias(_VALUE))
              .join(computed.drop(empty), on=_VALUE, how="left", nulls_equal=True, maintain_order="left")
              if len(empty) < computed.width - 1 else None)
    return [pl.lit(None, dtype=computed.schema[name]).alias(name) if joined is None or name in empty
            else joined[name] for name in computed.columns[1:]]
