"""Statistical disclosure control for published exports.

Published tables must not reveal figures about fewer than 5 people (DESIGN.md, "Privacy by
default"); the warehouse keeps every value for internal use. The rules are data, in
`seeds/publication/suppression_rules.csv`: for each rule of a mart, rows whose count column is
below the threshold get the listed columns blanked (null, shown as empty, never 0) and
`is_suppressed = True`; a null count is suppressed too. A count column of `@row` means each
row is one person (position lists); `@none` marks a reviewed mart with no figures about people.

Only primary suppression: a blanked cell that can be recovered from a total (wide tables with a
total column) needs complementary suppression, which this module does not do.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.paths import PROJECT_ROOT

RULES_PATH = PROJECT_ROOT / "seeds" / "publication" / "suppression_rules.csv"
ROW_COUNT = "@row"  # each row is one person
NO_PEOPLE = "@none"  # reviewed: the mart holds no figures about people (e.g. a law's cost table)


@dataclass(frozen=True)
class Rule:
    mart: str
    count_column: str
    columns_to_blank: tuple[str, ...]
    threshold: int


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


def suppress(frame: pl.DataFrame, mart: str, path: Path = RULES_PATH) -> pl.DataFrame:
    """The publishable version of `frame` (one mart): small cells blanked, `is_suppressed` added.

    Raises KeyError for a mart with no rule, so a new mart cannot be published unreviewed, and
    ValueError when a rule names a column the frame lacks (a renamed column would otherwise
    silently publish small cells).
    """
    mart_rules = [r for r in rules(path) if r.mart == mart]
    if not mart_rules:
        raise KeyError(f"no suppression rule for {mart!r} in {path}; add one before publishing it")
    needed = {c for r in mart_rules for c in r.columns_to_blank}
    needed |= {r.count_column for r in mart_rules if r.count_column not in (ROW_COUNT, NO_PEOPLE)}
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise ValueError(f"{mart}: suppression rules name columns the frame lacks: {missing}")

    # Decide every rule on the ORIGINAL counts: blanking one count must not hide another rule's test.
    def flag(rule: Rule) -> pl.Expr:
        if rule.count_column in (ROW_COUNT, NO_PEOPLE):
            return pl.lit(rule.count_column == ROW_COUNT)
        return pl.col(rule.count_column) < rule.threshold

    flags = {i: flag(r) for i, r in enumerate(mart_rules)}
    # A null count cannot show the cell holds 5 or more people: suppressed (the safe side).
    flagged = frame.with_columns([flags[i].fill_null(True).alias(f"__rule_{i}") for i in flags])
    blanks = []
    for column in sorted({c for r in mart_rules for c in r.columns_to_blank}):
        hit = pl.any_horizontal([pl.col(f"__rule_{i}") for i, r in enumerate(mart_rules)
                                 if column in r.columns_to_blank])
        blanks.append(pl.when(hit).then(None).otherwise(pl.col(column)).alias(column))
    suppressed = pl.any_horizontal([pl.col(f"__rule_{i}") for i in flags]).alias("is_suppressed")
    return (
        flagged.with_columns(suppressed)
        .with_columns(blanks)
        .drop([f"__rule_{i}" for i in flags])
    )
