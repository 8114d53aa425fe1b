"""Which numeric columns of a mart may be published without a suppression rule of their own.

A published column that counts people (an integer) must be the count column of a rule in
seeds/publication/suppression_rules.csv, so a cell of 1-4 is never shown; a column computed from
people (a float: pay, a share, a statistic) must be blanked by some rule. The exceptions were
reviewed one by one and are data, in seeds/publication/column_review.csv (mart, or `*` for every
mart; column_name; kind; note): dimensions coded as numbers, legal parameters, figures of a law or of
SERVIR's own publications, and `derived` columns (blanked with the counts they come from). A new
mart or a new column is unreviewed until someone adds a rule or a review row: the export refuses
to write it.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.disclosure import suppress as disclosure
from pipelines.paths import PROJECT_ROOT

REVIEW_PATH = PROJECT_ROOT / "seeds" / "publication" / "column_review.csv"
KINDS = ("dimension", "parameter", "derived", "published_figure")


@cache
def reviewed(path: Path = REVIEW_PATH) -> dict[tuple[str, str], str]:
    """(mart or '*', column) -> kind."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wrong = sorted({r["kind"] for r in rows} - set(KINDS))
    if wrong:
        raise ValueError(f"{path}: kind must be one of {KINDS}, found {wrong}")
    return {(r["mart"], r["column_name"]): r["kind"] for r in rows}


def unreviewed_columns(mart: str, schema: Mapping[str, pl.DataType]) -> list[str]:
    """Numeric columns of `mart` that could publish a figure about fewer than 5 people."""
    mart_rules = [r for r in disclosure.rules() if r.mart == mart]
    counts = {r.count_column for r in mart_rules if r.counts}
    blanked = {c for r in mart_rules for c in r.columns_to_blank}
    review = reviewed()
    problems = []
    for column, dtype in schema.items():
        if not dtype.is_numeric():
            continue
        kind = review.get((mart, column)) or review.get(("*", column))
        if kind == "derived":
            ok = column in blanked
        elif kind is not None:
            ok = True
        elif dtype.is_integer() and not any(r.count_column == disclosure.ROW_COUNT for r in mart_rules):
            ok = column in counts
        else:  # a float, or any column of a one-person-per-row list: blanked by a rule
            ok = column in blanked
        if not ok:
            problems.append(column)
    return problems
