"""Complementary (secondary) cell suppression: blanked cells must not come back by subtraction.

A margin is a linear relation between published cells: the parts of a group sum to its total
(`tpm + pm_not_tpm = pm`, the government levels of a table sum to its 'total' row, the PMs of a
government level x sector x classification by role sum to that group's entities in
mart_confianza_caps), or one figure is published in two marts. Which cells are margins of which is
data, in `seeds/publication/suppression_margins.csv`: one row per (relation, mart, count column);
rows of that mart (after `row_filter`, a SQL condition) with the same `group_by` values belong to
the same group of the relation, whatever mart they come from.

The rule (iterated to a fixed point): a group of a relation with exactly one blanked cell would
give that cell back by subtraction, so the smallest other cell of the group is blanked too
(non-zero parts first, then totals). A group with two or more blanked cells, or none, is left alone.

A cell is (mart, count column, row). On the `total` side, rows of a group with the same value are
one cell (a total repeated on every row, like an assumption's total on each of its moves): blanking
it blanks every copy. Everything is vectorized polars: each iteration is a handful of group-bys.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.paths import PROJECT_ROOT

MARGINS_PATH = PROJECT_ROOT / "seeds" / "publication" / "suppression_margins.csv"
ROW = "__row"  # the row index every frame carries while it is being suppressed
SIDES = ("part", "total")
CELL_KEY = ["mart", "column", "row"]
SNAPSHOT = "snapshot"  # always part of a group's key when the frame has it
_NULL_KEY = "\u2400"  # stands for a null group value inside a group key


@dataclass(frozen=True)
class MarginEntry:
    relation: str
    mart: str
    count_column: str
    group_by: tuple[str, ...]
    row_filter: str
    side: str


@cache
def margins(path: Path = MARGINS_PATH) -> tuple[MarginEntry, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        entries = tuple(
            MarginEntry(
                relation=row["relation"],
                mart=row["mart"],
                count_column=row["count_column"],
                group_by=tuple(c.strip() for c in (row["group_by"] or "").split(";") if c.strip()),
                row_filter=(row["row_filter"] or "").strip(),
                side=row["side"].strip(),
            )
            for row in csv.DictReader(handle)
        )
    wrong = sorted({e.side for e in entries} - set(SIDES))
    if wrong:
        raise ValueError(f"{path}: side must be one of {SIDES}, found {wrong}")
    return entries


def missing_columns(frames: Mapping[str, pl.DataFrame]) -> list[str]:
    """Margin columns (count, group_by, row_filter's) the marts lack: a renamed column would
    silently drop a protection, so the export refuses it."""
    found = []
    for entry in margins():
        if entry.mart in frames:
            frame = frames[entry.mart]
            wanted = {entry.count_column, *entry.group_by}
            if entry.row_filter:
                wanted |= set(pl.sql_expr(entry.row_filter).meta.root_names())
            found += [f"{entry.mart}.{c} ({entry.relation})" for c in sorted(wanted - set(frame.columns))]
    return found


def _cells(frames: Mapping[str, pl.DataFrame], entries: Sequence[MarginEntry]) -> pl.DataFrame:
    """One row per cell of every relation group: relation, key, mart, column, rows, value, side.
    An entry naming columns its frame lacks (a hand-made partial table) is skipped; the export
    checks real marts with `missing_columns` first."""
    parts = []
    for entry in entries:
        frame = frames[entry.mart]
        wanted = {entry.count_column, *entry.group_by}
        if entry.row_filter:
            wanted |= set(pl.sql_expr(entry.row_filter).meta.root_names())
        if wanted - set(frame.columns):
            continue
        if entry.row_filter:
            frame = frame.filter(pl.sql_expr(entry.row_filter))
        # Groups never span snapshots (a frame may hold several: a history page's trend).
        by = [*([SNAPSHOT] if SNAPSHOT in frame.columns else []), *entry.group_by]
        key = (pl.concat_str([pl.col(c).cast(pl.String).fill_null(_NULL_KEY) for c in by], separator="\x1f")
               if by else pl.lit(""))
        cells = frame.select(
            key.alias("key"), pl.col(ROW).cast(pl.UInt32).alias("row"),
            pl.col(entry.count_column).cast(pl.Float64).alias("value"),
        )
        if entry.side == "total":  # equal values of one group: one figure repeated on several rows
            cells = cells.group_by("key", "value").agg(pl.col("row").sort().alias("rows"))
        else:
            cells = cells.select("key", "value", pl.concat_list("row").alias("rows"))
        parts.append(cells.select(
            pl.lit(entry.relation).alias("relation"), "key", pl.lit(entry.mart).alias("mart"),
            pl.lit(entry.count_column).alias("column"), "rows", "value", pl.lit(entry.side).alias("side"),
        ))
    if not parts:
        parts.append(pl.DataFrame(schema={"relation": pl.String, "key": pl.String, "mart": pl.String,
                                          "column": pl.String, "rows": pl.List(pl.UInt32),
                                          "value": pl.Float64, "side": pl.String}))
    return pl.concat(parts).with_row_index("cell")


def _with_blanked_columns(cells: pl.DataFrame, blanks: pl.DataFrame) -> pl.DataFrame:
    """`cells` plus every column their rules blank with them (a row's small `positions` also blanks
    its `appointed_positions`, which may be a cell of another relation, whose own rule may blank
    more: followed to the end)."""
    cells = cells.select(pl.col("mart").cast(pl.String), pl.col("column").cast(pl.String),
                         pl.col("row").cast(pl.UInt32)).unique()
    while True:
        also = (cells.join(blanks, on=["mart", "column"], how="inner")
                .select("mart", pl.col("blanks").alias("column"), "row").explode("column")
                .join(cells, on=CELL_KEY, how="anti").unique())
        if also.is_empty():
            return cells
        cells = pl.concat([cells, also])


def complete(frames: Mapping[str, pl.DataFrame], blanked: pl.DataFrame, blanks: pl.DataFrame,
             entries: Sequence[MarginEntry] | None = None) -> pl.DataFrame:
    """Every cell to blank: `blanked` (mart, column, row: the primary cells) plus its complements.

    `frames` are the marts of one snapshot, each with a `__row` index column; `blanks` maps a
    rule's count cell to the columns it blanks (mart, column, blanks: list). Relations of marts
    not in `frames` are skipped (their other marts still protect their own groups).
    """
    chosen = [e for e in (margins() if entries is None else entries) if e.mart in frames]
    cells = _cells(frames, chosen)
    blanked = _with_blanked_columns(blanked, blanks)
    group = ["relation", "key"]
    while True:
        hit = (cells.select("cell", "mart", "column", "rows").explode("rows").rename({"rows": "row"})
               .join(blanked.with_columns(pl.lit(True).alias("blank")), on=CELL_KEY, how="left")
               .group_by("cell").agg(pl.col("blank").fill_null(False).any()))
        state = cells.join(hit, on="cell", how="left")
        exposed = (state.group_by(group).agg(pl.col("blank").sum().alias("blanked"))
                   .filter(pl.col("blanked") == 1).select(group))
        picks = (state.join(exposed, on=group, how="semi")
                 .filter(~pl.col("blank") & pl.col("value").is_not_null())
                 .sort([*group, pl.col("value") == 0, pl.col("side") == "total", "value", "mart", "column",
                        pl.col("rows").list.first()])
                 .group_by(group, maintain_order=True).first())
        if picks.is_empty():  # fixed point (a one-cell group has nothing to pair with, nor a sum to show)
            return blanked.sort(CELL_KEY)
        added = picks.select("mart", "column", pl.col("rows").alias("row")).explode("row")
        blanked = pl.concat([blanked, _with_blanked_columns(added, blanks)]).unique()
