"""Compute per distinct value, join back to every row.

A national file has 1.4 million rows but ~17,000 distinct dates, ~1,000 pays, a handful of
spellings per category and ~2,000 entity names: the regular expressions run on those.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

_VALUE = "__value__"


def by_distinct(frame: pl.DataFrame, column: str,
                exprs: Callable[[pl.Series], list[pl.Expr]]) -> list[pl.Series | pl.Expr]:
    """The columns `exprs(distinct values)` computes over `pl.col(column)`, evaluated once per distinct
    value of `column` (null included), for `frame.select`: a column with a value is joined back to
    every row in row order; a column empty on every distinct value is a typed null literal, which
    polars broadcasts without storing a value per row (most `__unparsed__` companions)."""
    distinct = frame.select(pl.col(column).unique())
    computed = distinct.select(pl.col(column).alias(_VALUE), *exprs(distinct[column]))
    empty = [name for name in computed.columns[1:] if computed[name].null_count() == computed.height]
    joined = (frame.select(pl.col(column).alias(_VALUE))
              .join(computed.drop(empty), on=_VALUE, how="left", nulls_equal=True, maintain_order="left")
              if len(empty) < computed.width - 1 else None)
    return [pl.lit(None, dtype=computed.schema[name]).alias(name) if joined is None or name in empty
            else joined[name] for name in computed.columns[1:]]
