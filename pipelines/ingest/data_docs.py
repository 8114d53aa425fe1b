"""A snapshot's table checks as great-expectations runs them, and its static Data Docs site.

    build_data_docs("2016-05-31") -> data/staging/2016-05-31/data_docs/index.html

The suites are made from the same check definitions ingestion executes with polars
(`pipelines.ingest.checks`): one Suite per table, one ValidationDefinition per table, one
Checkpoint ("ingest") whose UpdateDataDocsAction writes the site. The batches are the staged
Parquet files, read with only the columns the suites name (pyarrow-backed, no copy of the other
columns); nothing is read from the raw files and nothing in staging is changed but `data_docs/`.

great_expectations is imported here only (it costs seconds), so ingestion never loads it.
The site is plain HTML files that open from disk without a server or a network: the remote
scripts and stylesheets great-expectations links are removed (`data_docs_offline`).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.errors import UnreadableFileError
from pipelines.ingest.check_exprs import empty_columns
from pipelines.ingest.checks import Check, columns_of, table_checks
from pipelines.ingest.contract import TABLES
from pipelines.ingest.data_docs_offline import make_offline

SITE_FOLDER = "data_docs"  # under data/staging/<snapshot>/
_SITE = "snapshot"


def _known_entities(staging: Path) -> list[str]:
    return pl.read_parquet(staging / "entities.parquet", columns=["entity_id"])["entity_id"].unique().sort().to_list()


def suite_checks(staging: Path, table: str, known: list[str]) -> list[Check]:
    """The table checks for one staged table (as `check_exprs.table_report` ran them at ingest)."""
    probe = [c.column for c in table_checks(table, known) if c.column]
    empty = empty_columns(pl.read_parquet(staging / f"{table}.parquet", columns=list(dict.fromkeys(probe))))
    return table_checks(table, known, empty)


def build_data_docs(snapshot: str) -> Path:
    """Validate the staged tables of `snapshot` with great-expectations and write its Data Docs
    site to data/staging/<snapshot>/data_docs/. Returns the site's index.html."""
    return run_checkpoint(snapshot)[0]


def run_checkpoint(snapshot: str) -> tuple[Path, dict[str, list[tuple[str, str | None, bool]]]]:
    """(index.html, per table the (expectation, column, success) of each check as great-expectations
    judged it), so a test can hold them against ingestion's validation_report.json."""
    staging = paths.staging_dir(snapshot)
    if not all((staging / f"{t}.parquet").exists() for t in TABLES):
        raise UnreadableFileError("the snapshot has no staged tables to document",
                                  f"ingest it first: servir-pm ingest data/raw/{snapshot}", staging)
    # great-expectations logs each temporary docs folder at INFO; the command's own lines say where the site is.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    site = staging / SITE_FOLDER
    if site.exists():
        shutil.rmtree(site)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry: the machine may have no network
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.add_data_docs_site(_SITE, {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    source = context.data_sources.add_pandas(f"staging_{snapshot}")
    known = _known_entities(staging)
    definitions = []
    for table in TABLES:
        checks = suite_checks(staging, table, known)
        asset = source.add_parquet_asset(table, path=staging / f"{table}.parquet", columns=columns_of(checks),
                                         dtype_backend="pyarrow")
        suite = context.suites.add(gx.ExpectationSuite(name=f"{table}_table", expectations=[
            gx.expectations.registry.get_expectation_impl(c.expectation)(**c.kwargs) for c in checks]))
        definitions.append(context.validation_definitions.add(gx.ValidationDefinition(
            name=table, data=asset.add_batch_definition_whole_dataframe(snapshot), suite=suite)))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name="ingest", validation_definitions=definitions,
        actions=[UpdateDataDocsAction(name="data_docs", site_names=[_SITE])]))
    result = checkpoint.run()
    make_offline(site, {run.suite_name: bool(run.success) for run in result.run_results.values()})
    outcomes = {
        run.suite_name.removesuffix("_table"): [
            (r.expectation_config.type, r.expectation_config.kwargs.get("column"), bool(r.success))
            for r in run.results]
        for run in result.run_results.values()
    }
    return site / "index.html", outcomes
