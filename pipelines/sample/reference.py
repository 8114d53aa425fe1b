"""Loaders for the committed reference data under `pipelines/sample/reference/` and the
mapping seeds under `seeds/sample/` and `seeds/inference/`. Nothing here reads `../shared`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.paths import PROJECT_ROOT

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SEEDS_DIR = PROJECT_ROOT / "seeds" / "sample"


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))


def registry() -> pl.DataFrame:
    return _csv(REFERENCE_DIR / "entity_registry.csv").with_columns(
        pl.col("budget_pia").replace("", None).cast(pl.Float64))


def calibration_targets() -> dict[str, float]:
    df = _csv(REFERENCE_DIR / "calibration_targets.csv")
    return {r["figure_id"]: float(r["value"]) for r in df.iter_rows(named=True)}


def calibration_table() -> pl.DataFrame:
    return _csv(REFERENCE_DIR / "calibration_targets.csv").with_columns(
        pl.col("value").cast(pl.Float64), pl.col("tolerance").cast(pl.Float64))


def vocabulary() -> pl.DataFrame:
    return _csv(REFERENCE_DIR / "unit_vocabulary.csv").with_columns(pl.col("level").cast(pl.Int8))


def places() -> pl.DataFrame:
    return _csv(REFERENCE_DIR / "places.csv")


def pay_exceptions() -> pl.DataFrame:
    return _csv(REFERENCE_DIR / "pay_exceptions.csv").with_columns(pl.col("max_monthly_pay").cast(pl.Float64))


def annex_09_source_ids() -> set[str]:
    return set(_csv(SEEDS_DIR / "tpm_annex_09_sample.csv")["source_id"].to_list())


def classification_profiles() -> dict[str, dict[str, float]]:
    """Per entity classification, the sample's shape parameters (illustrative, not SERVIR rules):
    relative size, all-positions ratio, decentralized/line propensity, pay multiplier, regime mix.
    One editable table instead of parallel dicts in code."""
    table = _csv(REFERENCE_DIR / "classification_profiles.csv")
    return {row["entity_classification"]: {k: float(v) for k, v in row.items() if k != "entity_classification"}
            for row in table.iter_rows(named=True)}
