"""Statistical disclosure control for published exports.

Published tables must not reveal figures about fewer than 5 people (DESIGN.md, "Privacy by
default"), not even by subtraction; the warehouse and the Parquet marts keep every value for
internal use. Everything is data, in `seeds/publication/`:

- `suppression_rules.csv` (primary suppression): for each rule of a mart, rows whose count column
  is below the threshold get the listed columns blanked (null, shown as empty, never 0) and
  `is_suppressed = True`; a null count is suppressed too, a count of 0 is not (it describes
  nobody; `zero_is_small_cell` in publication_parameters.csv). A count column of `@row` means each
  row is one person (position lists); `@none` marks a reviewed mart with no figures about people.
- `suppression_margins.csv` (secondary suppression, pipelines.disclosure.complementary): which cells sum to
  which published margins, within a mart and across marts; a blanked cell that a margin would
  give back gets a complementary cell blanked with it.
- `column_review.csv` (pipelines.disclosure.column_review): numeric columns reviewed as holding no
  figure about people; any other count column needs a rule of its own.

`suppress_all` protects every mart of one snapshot together (what the export does); `suppress`
is the same for one mart alone (its cross-mart margins then count as published elsewhere). The
reports use the same rule: they read marts through `suppress`, and `is_small` / `threshold` mark a
count on a chart exactly as `_small` blanks it in an export (one rule, one threshold, from the seed).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.disclosure import complementary
from pipelines.disclosure.settings import settings
from pipelines.paths import PROJECT_ROOT

RULES_PATH = PROJECT_ROOT / "seeds" / "publication" / "suppression_rules.csv"
ROW_COUNT = "@row"  # each row is one person
NO_PEOPLE = "@none"  # reviewed: the mart holds no figures about people (e.g. a law's cost table)
ROW = complementary.ROW


@dataclass(frozen=True)
class Rule:
    mart: str
    count_column: str
    columns_to_blank: tuple[str, ...]
    threshold: int

    @property
    def counts(self) -> bool:
        """The rule tests a count column (not a whole-row marker)."""
        return self.count_column not in (ROW_COUNT, NO_PEOPLE)


@cache
def rules(path: Path = RULES_PATH) -> tuple[Rule, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Rule(
                mart=row["mart"],
                count_column=row["count_column"],
                columns_to_blank=tuple(c.strip() for c in row["columns_to_blank"].split(";") if c.strip()),
                threshold=int(row["threshold"]),
            )
            for row in csv.DictReader(handle)
        )


def marts_with_rules(path: Path = RULES_PATH) -> list[str]:
    return sorted({r.mart for r in rules(path)})


def rules_of(mart: str, frame: pl.DataFrame, path: Path = RULES_PATH) -> list[Rule]:
    """The mart's rules. Raises KeyError for a mart with no rule, so a new mart cannot be published
    unreviewed, and ValueError when a rule names a column the frame lacks (a renamed column would
    otherwise silently publish small cells)."""
    mart_rules = [r for r in rules(path) if r.mart == mart]
    if not mart_rules:
        raise KeyError(f"no suppression rule for {mart!r} in {path}; add one before publishing it")
    needed = {c for r in mart_rules for c in r.columns_to_blank}
    needed |= {r.count_column for r in mart_rules if r.counts}
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise ValueError(f"{mart}: suppression rules name columns the frame lacks: {missing}")
    return mart_rules


def threshold(mart: str | None = None, path: Path = RULES_PATH) -> int:
    """The suppression threshold: of `mart`'s rules, or the one threshold every rule shares (what a
    report states and marks on its charts). Raises ValueError if the seed holds several."""
    found = {r.threshold for r in rules(path) if mart is None or r.mart == mart}
    if len(found) != 1:
        raise ValueError(f"expected one suppression threshold{f' for {mart}' if mart else ''} in {path}, "
                         f"found {sorted(found) or 'none'}")
    return found.pop()


def _count_is_small(count: pl.Expr, limit: int) -> pl.Expr:
    small = count < limit
    if not settings().zero_is_small_cell:
        small = small & (count != 0)
    return small


def is_small(count: float | None, limit: int | None = None) -> bool:
    """Whether a count shown on a page is a small cell, by the rule the exports apply (`_small`).
    A null here is a value the mart does not have (already blanked, or never counted): the page
    shows it as missing or suppressed from the row's is_suppressed flag, not from this test."""
    if count is None:
        return False
    return bool(pl.select(_count_is_small(pl.lit(count), limit or threshold())).item())


def _small(rule: Rule) -> pl.Expr:
    """Primary suppression of one rule. A null count cannot show the cell holds 5 or more people:
    suppressed (the safe side); 0 describes nobody and is published unless the seed says otherwise."""
    if not rule.counts:
        return pl.lit(rule.count_column == ROW_COUNT)
    return _count_is_small(pl.col(rule.count_column), rule.threshold).fill_null(True)


def _primary_cells(mart: str, frame: pl.DataFrame, mart_rules: list[Rule]) -> pl.DataFrame:
    """(mart, column, row) of every count cell under its rule's threshold."""
    return pl.concat([
        frame.filter(_small(rule)).select(pl.lit(mart).alias("mart"), pl.lit(rule.count_column).alias("column"),
                                          pl.col(ROW).cast(pl.UInt32).alias("row"))
        for rule in mart_rules if rule.counts
    ] or [pl.DataFrame(schema={"mart": pl.String, "column": pl.String, "row": pl.UInt32})])


def _blank(mart: str, frame: pl.DataFrame, mart_rules: list[Rule], cells: pl.DataFrame) -> pl.DataFrame:
    """Apply the final decision: every rule whose count cell is blanked blanks its columns.
    Decided on the ORIGINAL counts: blanking one count must not hide another rule's test."""
    def fired(rule: Rule) -> pl.Expr:
        if not rule.counts:
            return _small(rule)
        rows = cells.filter((pl.col("mart") == mart) & (pl.col("column") == rule.count_column))["row"]
        return pl.col(ROW).cast(pl.UInt32).is_in(rows.implode())

    flags = [fired(rule).alias(f"__rule_{i}") for i, rule in enumerate(mart_rules)]
    names = [f"__rule_{i}" for i in range(len(mart_rules))]
    flagged = frame.with_columns(flags)
    blanks = []
    for column in sorted({c for r in mart_rules for c in r.columns_to_blank}):
        hit = pl.any_horizontal([pl.col(name) for name, r in zip(names, mart_rules, strict=True)
                                 if column in r.columns_to_blank])
        blanks.append(pl.when(hit).then(None).otherwise(pl.col(column)).alias(column))
    return (
        flagged.with_columns(pl.any_horizontal([pl.col(n) for n in names]).alias("is_suppressed"))
        .with_columns(blanks)
        .drop([*names, ROW])
    )


def suppress_all(frames: Mapping[str, pl.DataFrame], path: Path = RULES_PATH) -> dict[str, pl.DataFrame]:
    """The publishable version of every mart of one snapshot: small cells and their complements
    blanked (within each mart and across marts sharing a margin), `is_suppressed` added."""
    indexed = {mart: frame.with_row_index(ROW) for mart, frame in frames.items()}
    mart_rules = {mart: rules_of(mart, frame, path) for mart, frame in frames.items()}
    counted = {(r.mart, r.count_column) for rs in mart_rules.values() for r in rs if r.counts}
    unruled = sorted({f"{e.mart}.{e.count_column}" for e in complementary.margins()
                      if e.mart in frames and (e.mart, e.count_column) not in counted})
    if unruled:
        raise ValueError(f"suppression margins name count columns no rule tests: {unruled}")
    primary = pl.concat([_primary_cells(m, indexed[m], mart_rules[m]) for m in indexed]) if indexed else None
    if primary is None:
        return {}
    blanks = pl.DataFrame(
        [(r.mart, r.count_column, list(r.columns_to_blank)) for rs in mart_rules.values() for r in rs if r.counts],
        schema={"mart": pl.String, "column": pl.String, "blanks": pl.List(pl.String)}, orient="row")
    cells = complementary.complete(indexed, primary, blanks)
    return {mart: _blank(mart, indexed[mart], mart_rules[mart], cells) for mart in indexed}


def suppress(frame: pl.DataFrame, mart: str, path: Path = RULES_PATH) -> pl.DataFrame:
    """The publishable version of one mart alone (see suppress_all)."""
    return suppress_all({mart: frame}, path)[mart]
