"""The normalized entity name (`entity_name_key`) that inference and linking match on.

One expression, the same for an entities file and a positions file: upper case, no accents,
acronyms in parentheses dropped, the common abbreviations of `seeds/contract/name_abbreviations.csv`
expanded ("M. DE SALUD" -> "MINISTERIO DE SALUD"), punctuation turned into spaces, spaces
collapsed. "Ministerio de Salud", "MINISTERIO DE SALUD (MINSA)" and "M. DE SALUD" all become
"MINISTERIO DE SALUD". Rules are data: a new abbreviation is a row of the seed, not code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.ingest.contract import CONTRACT_SEEDS
from pipelines.ingest.distinct import by_distinct

ABBREVIATIONS_SEED = CONTRACT_SEEDS / "name_abbreviations.csv"


@dataclass(frozen=True)
class Abbreviation:
    order: int
    pattern: str  # Rust/polars regex on the upper-case, accent-free name
    replacement: str  # `${1}` refers to the first group


@cache
def abbreviations() -> tuple[Abbreviation, ...]:
    with ABBREVIATIONS_SEED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # A replacement of a single quoted space is written ' ' in the CSV so it survives editors.
    found = [Abbreviation(int(r["rule_order"]), r["pattern"],
                          " " if r["replacement"] == "' '" else r["replacement"]) for r in rows]
    return tuple(sorted(found, key=lambda a: a.order))


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorized normalized name; null for an empty name."""
    text = expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_uppercase()
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    for rule in abbreviations():
        text = text.str.replace_all(rule.pattern, rule.replacement)
    text = text.str.replace_all(r"[^0-9A-Z]+", " ").str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def name_key(text: str | None) -> str | None:
    """The same normalization for one name (seeds, tests, messages)."""
    return pl.select(name_key_expr(pl.lit(text, dtype=pl.Utf8))).item()


def with_name_key(frame: pl.DataFrame, name_column: str = "entity_name",
                  key_column: str = "entity_name_key") -> pl.DataFrame:
    if name_column not in frame.columns:
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(key_column))
    return frame.with_columns(
        by_distinct(frame, name_column, lambda _values: [name_key_expr(pl.col(name_column)).alias(key_column)]))
