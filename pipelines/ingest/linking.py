"""Link positions to the snapshot's entities: by id, or by the institution's name.

A positions file may give the institution's name (`institucion`, `entidad` -> entity_name) and no
entity id (the gob.pe directory does). Such rows are linked by normalized name
(pipelines.ingest.names.entity_name_key; failing that, the same key without the stopwords of
seeds/contract/name_stopwords.csv): a name that matches exactly one valid entity links; anything
else is quarantined:
- `unknown_entity`: no entity has that name, or several do; the reason lists up to 3 of the
  closest entity names (token overlap, a cheap similarity) so the analyst can fix the file;
- `entity_quarantined`: the entity is in the entities file but its own row was quarantined
  (also for positions that give an entity_id).
Nothing here guesses: a near match is a candidate shown to a person, never a link.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.ingest.contract import CONTRACT_SEEDS, NAME_KEY
from pipelines.ingest.names import name_key_expr

ROW = "__row__"
LOOSE = "__loose_key__"
MAX_CANDIDATES = 3
_FINDING_SCHEMA = {"row": pl.UInt32, "reason_code": pl.Utf8, "reason": pl.Utf8}


@cache
def stopwords() -> frozenset[str]:
    with (CONTRACT_SEEDS / "name_stopwords.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(r["word"] for r in csv.DictReader(handle))


@dataclass
class LinkResult:
    typed: pl.DataFrame  # the positions, entity_id filled where the name linked
    findings: pl.DataFrame  # row, reason_code, reason: rows linking sends to quarantine
    known_entity_ids: list[str]  # ids the row checks accept (valid and quarantined entities)


def _quarantined_entities(quarantined: pl.DataFrame) -> pl.DataFrame:
    """entity_id, entity_name_key, source_row of the entities' quarantined rows (as written)."""
    if quarantined.height == 0 or "entity_id" not in quarantined.columns:
        return pl.DataFrame(schema={"entity_id": pl.Utf8, NAME_KEY: pl.Utf8, "source_row": pl.Int64})
    name = pl.col("entity_name") if "entity_name" in quarantined.columns else pl.lit(None, pl.Utf8)
    return quarantined.select(
        pl.col("entity_id").cast(pl.Utf8).str.strip_chars().str.replace(r"^(\d+)\.0+$", "${1}"),
        name_key_expr(name.cast(pl.Utf8)).alias(NAME_KEY),
        pl.col("source_row").cast(pl.Int64),
    ).unique(subset="entity_id", keep="first", maintain_order=True)


def _loose(expr: pl.Expr) -> pl.Expr:
    """The normalized name without its stopwords (word order kept)."""
    words = expr.str.split(" ")
    return words.list.eval(pl.element().filter(~pl.element().is_in(sorted(stopwords())))).list.join(" ")


def _tokens(expr: pl.Expr) -> pl.Expr:
    return expr.str.split(" ").list.set_difference(pl.lit(sorted(stopwords()), dtype=pl.List(pl.Utf8)))


def closest(names: pl.Series, entities: pl.DataFrame, top: int = MAX_CANDIDATES) -> pl.DataFrame:
    """For each distinct normalized name, the `top` entities sharing most words (Jaccard on word
    sets, ties by name): columns entity_name_key, candidates ("NAME [id]; ...")."""
    wanted = pl.DataFrame({NAME_KEY: names.drop_nulls().unique()}).with_columns(_tokens(pl.col(NAME_KEY)).alias("a"))
    pool = entities.select(pl.col("entity_id").alias("cid"), pl.col("entity_name").alias("cname"),
                           _tokens(pl.col(NAME_KEY)).alias("b")).filter(pl.col("b").list.len() > 0)
    if wanted.height == 0 or pool.height == 0:
        return pl.DataFrame(schema={NAME_KEY: pl.Utf8, "candidates": pl.Utf8})
    pairs = wanted.join(pool, how="cross").with_columns(
        (pl.col("a").list.set_intersection("b").list.len()
         / pl.col("a").list.set_union("b").list.len()).alias("score"))
    return (
        pairs.filter(pl.col("score") > 0)
        .sort([NAME_KEY, "score", "cname"], descending=[False, True, False])
        .group_by(NAME_KEY, maintain_order=True).head(top)
        .group_by(NAME_KEY, maintain_order=True)
        .agg(pl.format("{} [{}]", "cname", "cid").str.join("; ").alias("candidates"))
    )


def link_positions(typed: pl.DataFrame, entities: pl.DataFrame, quarantined: pl.DataFrame) -> LinkResult:
    """`typed`: the positions (all files, in order) with entity_name_key; `entities`: the valid
    entities (with entity_name_key); `quarantined`: the entities' quarantine rows as written."""
    q = _quarantined_entities(quarantined)
    valid_ids = entities["entity_id"].drop_nulls().unique()
    q = q.filter(~pl.col("entity_id").is_in(valid_ids.implode()))
    frame = typed.with_row_index(ROW)

    # 1. By name, for rows without an id: exact and unique matches link.
    by_key = (entities.filter(pl.col(NAME_KEY).is_not_null())
              .group_by(NAME_KEY).agg(pl.col("entity_id").sort().alias("ids"), pl.len().alias("n")))
    q_by_key = (q.filter(pl.col(NAME_KEY).is_not_null()).group_by(NAME_KEY)
                .agg(pl.col("entity_id").first().alias("q_id"), pl.col("source_row").first().alias("q_row")))
    # A name no entity has exactly is tried once more without its stopwords ("Unidad de Gestión
    # Educativa Local de Fajardo" = "UNIDAD DE GESTION EDUCATIVA LOCAL FAJARDO"): still exact, unique.
    by_loose = (entities.filter(pl.col(NAME_KEY).is_not_null()).with_columns(_loose(pl.col(NAME_KEY)).alias(LOOSE))
                .group_by(LOOSE).agg(pl.col("entity_id").sort().alias("ids2"), pl.len().alias("n2")))
    named = (frame.filter(pl.col("entity_id").is_null() & pl.col(NAME_KEY).is_not_null())
             .select(ROW, NAME_KEY, "entity_name", _loose(pl.col(NAME_KEY)).alias(LOOSE))
             .join(by_key, on=NAME_KEY, how="left").join(q_by_key, on=NAME_KEY, how="left")
             .join(by_loose, on=LOOSE, how="left")
             .with_columns(pl.when(pl.col("n").is_null() & pl.col("q_id").is_null())
                           .then(pl.struct(ids="ids2", n="n2")).otherwise(pl.struct("ids", "n")).alias("m"))
             .with_columns(pl.col("m").struct.field("ids"), pl.col("m").struct.field("n")))
    linked = named.filter(pl.col("n") == 1).select(ROW, pl.col("ids").list.first().alias("linked_id"))
    to_quarantined = named.filter(pl.col("n").is_null() & pl.col("q_id").is_not_null())
    unknown = named.filter((pl.col("n").is_null() & pl.col("q_id").is_null()) | (pl.col("n") > 1))
    candidates = closest(unknown[NAME_KEY], entities)
    unknown = unknown.join(candidates, on=NAME_KEY, how="left")

    shown = pl.col("entity_name").str.slice(0, 80)
    findings = [
        unknown.select(
            pl.col(ROW).alias("row"), pl.lit("unknown_entity").alias("reason_code"),
            pl.when(pl.col("n") > 1)
            .then(pl.format("entity_name {} matches {} entities of this snapshot ({}); fix: add an entity_id column "
                            "(codigo_entidad) to the positions file",
                            shown, pl.col("n"), pl.col("ids").list.join(", ")))
            .otherwise(pl.format("entity_name {} matches no entity of this snapshot by name; closest: {}; fix: write "
                                 "the name as the entities file does, or add the entity to it",
                                 shown, pl.col("candidates").fill_null("none")))
            .alias("reason")),
        to_quarantined.select(
            pl.col(ROW).alias("row"), pl.lit("entity_quarantined").alias("reason_code"),
            pl.format("entity_name {} is entity {} of the entities file, whose row {} was quarantined; "
                      "fix: correct that row (see the entities quarantine file)",
                      shown, "q_id", "q_row").alias("reason")),
    ]
    # 2. By id: the entity exists but its own row was quarantined.
    by_id = (frame.filter(pl.col("entity_id").is_not_null()).select(ROW, "entity_id")
             .join(q, on="entity_id", how="inner"))
    findings.append(by_id.select(
        pl.col(ROW).alias("row"), pl.lit("entity_quarantined").alias("reason_code"),
        pl.format("entity_id {} is in the entities file but its row {} was quarantined; "
                  "fix: correct that row (see the entities quarantine file)",
                  "entity_id", "source_row").alias("reason")))

    fill = pl.concat([linked, to_quarantined.select(ROW, pl.col("q_id").alias("linked_id"))])
    out = typed
    if fill.height:  # one row per position at most: only the id column is joined, not the whole table
        linked_ids = frame.select(ROW).join(fill, on=ROW, how="left", maintain_order="left")["linked_id"]
        out = typed.with_columns(pl.coalesce(pl.col("entity_id"), linked_ids).alias("entity_id"))
    known = sorted(set(valid_ids.to_list()) | set(q["entity_id"].drop_nulls().to_list()))
    found = pl.concat([f.cast(_FINDING_SCHEMA) for f in findings]).sort("row")  # type: ignore[arg-type]
    return LinkResult(out, found, known)


def unchecked(typed: pl.DataFrame) -> pl.DataFrame:
    """Without an entities file (`servir-pm validate` on a positions file) a name stands in for
    the id, so the row is not reported as missing one; it is linked at ingestion."""
    if "entity_name" not in typed.columns:
        return typed
    return typed.with_columns(pl.coalesce("entity_id", "entity_name").alias("entity_id"))
