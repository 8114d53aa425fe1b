"""The sample as the end-to-end tests use it: the embedded sample's first snapshot generated and
ingested, plus a second snapshot staged by hand from it, built once (dbt + export).

`tests/conftest.py` builds it once per test session (`published_sample`); tests that only read it
share it, tests that change it work on a copy (`copy_published`). The second snapshot's changes are
counted by hand in tests/test_reports.py (NEXT_CHANGES): positions picked in ministries, where
Tables 7/15 give level 2 line = PM/PS, level 3 support = PM/OS and level 4 = CA.
"""

from __future__ import annotations

import polars as pl

from pipelines import paths

SNAPSHOT = paths.SAMPLE_SNAPSHOT
NEXT = paths.SAMPLE_NEXT_SNAPSHOT


def stage_next_snapshot() -> None:
    """Stage NEXT: the sample's snapshot with NEXT_CHANGES made by hand (no second ingestion)."""
    from staging_io import write_snapshot

    from pipelines.refresh.series import read_series

    staged = paths.staging_dir(SNAPSHOT)
    entities = pl.read_parquet(staged / "entities.parquet")
    positions = pl.read_parquet(staged / "positions.parquet")
    ministries = entities.filter((pl.col("entity_classification") == "ministry")
                                 & ~pl.col("is_type_b").fill_null(False))["entity_id"]
    mine = positions.filter(pl.col("entity_id").is_in(ministries)).sort("position_id")
    occupied = pl.col("occupant_key").is_not_null()

    def cell(level: int, body: str) -> pl.Expr:
        return (pl.col("organizational_level") == level) & (pl.col("body_type") == body)

    ids = {
        "copied": mine.filter(cell(2, "line") & occupied)["position_id"].head(6),  # PM/PS: 6 new
        "removed": mine.filter(cell(4, "line"))["position_id"].head(7),  # CA: 7 removed
        "reclassified": mine.filter(cell(4, "line"))["position_id"].slice(7, 5),  # CA -> PM/OS
        "replaced": mine.filter(cell(3, "support") & occupied)["position_id"].head(8),
        "vacated": mine.filter(cell(3, "support") & occupied)["position_id"].slice(8, 5),
        "filled": mine.filter(cell(3, "support") & ~occupied)["position_id"].head(5),
    }
    assert [len(v) for v in ids.values()] == [6, 7, 5, 8, 5, 5]
    pid = pl.col("position_id")
    changed = positions.filter(~pid.is_in(ids["removed"])).with_columns(
        pl.when(pid.is_in(ids["reclassified"])).then(3).otherwise(pl.col("organizational_level"))
        .cast(pl.Int32).alias("organizational_level"),
        pl.when(pid.is_in(ids["reclassified"])).then(pl.lit("support")).otherwise(pl.col("body_type"))
        .alias("body_type"),
        pl.when(pid.is_in(ids["replaced"])).then(pl.lit("next-") + pid)
        .when(pid.is_in(ids["vacated"])).then(None)
        .when(pid.is_in(ids["filled"])).then(pl.lit("next-") + pid)
        .otherwise(pl.col("occupant_key")).alias("occupant_key"),
        pl.when(pid.is_in(ids["vacated"])).then(pl.lit("vacant"))
        .when(pid.is_in(ids["filled"])).then(pl.lit("merit"))
        .otherwise(pl.col("appointment_type")).alias("appointment_type"),
        pl.when(pid.is_in(ids["vacated"])).then(None)
        .when(pid.is_in(ids["filled"])).then(6000.0)
        .otherwise(pl.col("monthly_pay")).alias("monthly_pay"),
    )
    new = positions.filter(pid.is_in(ids["copied"])).with_columns(
        (pid + "-next").alias("position_id"), (pl.lit("new-") + pid).alias("occupant_key"))
    # Same series as the sample it comes from: history compares snapshots of one series only.
    write_snapshot(NEXT, entities, pl.concat([changed, new]), series=read_series(staged))


def build_published_sample() -> None:
    """Into the data folder the environment names (SERVIR_PM_DATA and friends)."""
    from pipelines.build.warehouse import build
    from pipelines.ingest.snapshot import ingest_snapshot
    from pipelines.sample import generate_sample

    generate_sample(paths.raw_dir(SNAPSHOT))
    ingest_snapshot(paths.raw_dir(SNAPSHOT))
    stage_next_snapshot()
    build()  # one build of both snapshots; exports the marts the notebooks read
